// The store's read-modify-write starts from the watch cache's copy, as upstream's GuaranteedUpdate
// does. Here the cache is made stale on purpose (its etcd watch never runs, so it holds only what
// the test puts in it) while another writer changes etcd: every answer must still be the one the
// object in etcd calls for.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import { resourceFor } from '@k8ts/api';
import { startEtcd, type EtcdProcess } from '@k8ts/testing';
import { encodeStored } from '../storage/codec.ts';
import { WatchDispatcher } from '../storage/dispatcher.ts';
import { EtcdStore } from '../storage/etcd-store.ts';
import { WatchCache, type KObject } from '../storage/watch-cache.ts';
import { strategyFor } from './index.ts';
import { ResourceStore } from './store.ts';

const CONFIGMAPS = resourceFor('', 'v1', 'configmaps')!;
const ctx = () => ({ now: new Date(), dryRun: false });

let etcdProcess: EtcdProcess;
let etcd: EtcdStore;
let store: ResourceStore;
let cache: WatchCache;
let n = 0;

beforeAll(async () => {
  etcdProcess = await startEtcd({ name: 'store-test' });
  etcd = new EtcdStore({ endpoints: [etcdProcess.endpoint] });
  const dispatcher = new WatchDispatcher(etcd, '/registry', pino({ level: 'silent' })); // never started
  cache = new WatchCache({ etcd, dispatcher, prefix: '/registry/configmaps/', fieldsOf: () => ({}) });
  store = new ResourceStore(strategyFor(CONFIGMAPS), etcd, cache, {});
}, 30_000);

afterAll(async () => {
  etcd?.close();
  await etcdProcess?.stop();
});

let name: string;
let key: string;
/** A configmap with data a=1 in etcd and in the cache, then changed in etcd only (a=2, by "someone else"). */
async function staleSetup(): Promise<{ staleRev: number; currentRev: number }> {
  const created = await store.create('default', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name }, data: { a: '1' } } as KObject, ctx());
  const staleRev = Number(created.metadata.resourceVersion);
  cache.put(key, Buffer.from(encodeStored(created)), staleRev);
  const res = await etcd.update(key, encodeStored({ ...created, data: { a: '2' } } as KObject), staleRev);
  if (!res.ok) throw new Error('setup write failed');
  return { staleRev, currentRev: res.rev };
}
const stored = async () => store.get('default', name);
const noPin = (o: KObject) => {
  delete o.metadata.resourceVersion;
  return o;
};

describe('ResourceStore.update with a stale watch cache', () => {
  beforeEach(() => {
    name = `cm-${++n}`;
    key = store.key('default', name);
  });

  it('applies the change to the object etcd holds, keeping the other writer\'s change', async () => {
    await staleSetup();
    const out = await store.update('default', name, (o) => noPin({ ...o, data: { ...(o.data as object), b: 'x' } }), ctx());
    expect(out.data).toEqual({ a: '2', b: 'x' });
    expect((await stored()).data).toEqual({ a: '2', b: 'x' });
  });

  it('still refuses a resourceVersion that etcd has moved past, and accepts the current one the cache has not seen', async () => {
    const { staleRev, currentRev } = await staleSetup();
    const pinned = (rv: number) => (o: KObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: String(rv) }, data: { a: 'pinned' } });
    await expect(store.update('default', name, pinned(staleRev), ctx())).rejects.toMatchObject({ code: 409, reason: 'Conflict' });
    const out = await store.update('default', name, pinned(currentRev), ctx());
    expect(Number(out.metadata.resourceVersion)).toBeGreaterThan(currentRev);
    expect((await stored()).data).toEqual({ a: 'pinned' });
  });

  it('writes a change that only looks like no change next to the stale copy', async () => {
    await staleSetup();
    const out = await store.update('default', name, (o) => noPin({ ...o, data: { a: '1' } }), ctx());
    expect((await stored()).data).toEqual({ a: '1' });
    expect(out.data).toEqual({ a: '1' });
  });

  it('decides a refusal on the object etcd holds', async () => {
    await staleSetup();
    // Refuses only what the cache holds (a=1): against etcd's copy (a=2) the change goes through.
    const out = await store.update('default', name, (o) => {
      if ((o.data as { a: string }).a === '1') throw new Error('refused on stale data');
      return noPin({ ...o, data: { a: '3' } });
    }, ctx());
    expect(out.data).toEqual({ a: '3' });
  });

  it('answers 404 for an object etcd no longer has', async () => {
    const { currentRev } = await staleSetup();
    expect((await etcd.delete(key, currentRev)).ok).toBe(true);
    await expect(store.update('default', name, noPin, ctx())).rejects.toMatchObject({ code: 404 });
  });
});
