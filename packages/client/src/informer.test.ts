import { resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { Client } from './client.ts';
import { FakeClock, flush } from './clock.ts';
import { FakeApiServer } from './fake-apiserver.ts';
import { dropManagedFields, Informer, isTombstone } from './informer.ts';
import type { KubeObject } from './types.ts';

const pods = resourceFor('', 'v1', 'pods') as ResourceInfo;
const pod = (name: string, ns = 'default', labels: Record<string, string> = {}): KubeObject => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels } });
const nameOf = (o: KubeObject) => `${o.metadata?.namespace}/${o.metadata?.name}`;

/** Lets real I/O and promise chains run until `cond` holds; fails rather than hangs. */
async function eventually(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 20_000; i++) {
    if (cond()) return;
    await flush();
  }
  throw new Error(`never happened: ${what}`);
}

let server: FakeApiServer;
let client: Client;
let clock: FakeClock;
let ac: AbortController;
let errors: unknown[];
let log: string[];

function startInformer(opts: { transport?: 'http' | 'websocket'; pageSize?: number; transform?: (o: KubeObject) => KubeObject } = {}) {
  const informer = new Informer<KubeObject>({
    client, resource: pods, clock, random: () => 0, backoff: new Backoff({ clock, random: () => 0 }),
    onError: (e) => errors.push(e), ...opts,
  });
  informer.addEventHandler({
    onAdd: (o, initial) => log.push(`add ${nameOf(o)}${initial ? ' (initial)' : ''}`),
    onUpdate: (_old, o) => log.push(`update ${nameOf(o)}`),
    onDelete: (o) => log.push(isTombstone(o) ? `delete ${o.key} (tombstone)` : `delete ${nameOf(o)}`),
  });
  const done = informer.start(ac.signal);
  return { informer, done };
}

beforeEach(async () => {
  server = await new FakeApiServer().start();
  client = new Client({ config: { server: server.url } });
  clock = new FakeClock(0);
  ac = new AbortController();
  errors = [];
  log = [];
});
afterEach(async () => {
  ac.abort();
  client.close();
  await server.stop();
});

describe('Informer', () => {
  it('lists page by page, fills the cache, and reports synced with the list resourceVersion', async () => {
    server.put(pod('a', 'ns1', { app: 'web' }));
    server.put(pod('b', 'ns2', { app: 'web' }));
    server.put(pod('c', 'ns1'));
    const { informer, done } = startInformer({ pageSize: 2 });
    await informer.waitForSync();
    expect(informer.hasSynced()).toBe(true);
    expect(informer.lastSyncResourceVersion()).toBe(server.resourceVersion);
    expect(log).toEqual(['add ns1/a (initial)', 'add ns2/b (initial)', 'add ns1/c (initial)']);
    expect(server.requests.filter((r) => !r.url.includes('watch')).map((r) => r.url)).toEqual(['/api/v1/pods?limit=2', '/api/v1/pods?limit=2&continue=2']);

    const lister = informer.lister;
    expect(lister.get('ns1/a')?.metadata?.name).toBe('a');
    expect(lister.byNamespace('ns1').map(nameOf).sort()).toEqual(['ns1/a', 'ns1/c']);
    lister.addIndex('app', (o) => (o.metadata?.labels?.app ? [o.metadata.labels.app] : []));
    expect(lister.byIndex('app', 'web').map(nameOf).sort()).toEqual(['ns1/a', 'ns2/b']);
    expect(lister.list((o) => o.metadata?.name === 'c').map(nameOf)).toEqual(['ns1/c']);
    expect(Object.isFrozen(lister.get('ns1/a')?.metadata)).toBe(true);
    ac.abort();
    await done;
  });

  it('caches objects through its transform, from the list and from the watch', async () => {
    const withFields = (name: string): KubeObject => ({ ...pod(name), metadata: { ...pod(name).metadata, managedFields: [{ manager: 'kubectl' }] } as KubeObject['metadata'] });
    server.put(withFields('listed'));
    const { informer, done } = startInformer({ transform: dropManagedFields });
    await informer.waitForSync();
    server.put(withFields('watched'));
    await eventually(() => informer.lister.get('default/watched') !== undefined, 'the watched pod');
    for (const name of ['listed', 'watched']) {
      const cached = informer.lister.get(`default/${name}`)!;
      expect(cached.metadata).toMatchObject({ name, namespace: 'default' });
      expect(cached.metadata).not.toHaveProperty('managedFields');
    }
    ac.abort();
    await done;
  });

  it('applies watch events in order and watches from the list resourceVersion with bookmarks', async () => {
    server.put(pod('a'));
    const { informer } = startInformer();
    await informer.waitForSync();
    await eventually(() => server.watchCount === 1, 'watch opened');
    const watch = new URL(server.requests.at(-1)!.url, 'http://x').searchParams;
    expect(watch.get('resourceVersion')).toBe(informer.lastSyncResourceVersion());
    expect(watch.get('allowWatchBookmarks')).toBe('true');
    expect(Number(watch.get('timeoutSeconds'))).toBe(300);

    server.put(pod('b'));
    server.put(pod('a', 'default', { v: '2' }));
    server.remove('default', 'b');
    await eventually(() => log.length === 4, 'four events');
    expect(log).toEqual(['add default/a (initial)', 'add default/b', 'update default/a', 'delete default/b']);
    expect(informer.lister.list().map(nameOf)).toEqual(['default/a']);
    expect(informer.lastSyncResourceVersion()).toBe(server.resourceVersion);

    server.removeSilently('x', 'y');
    server.bookmark();
    await eventually(() => informer.lastSyncResourceVersion() === server.resourceVersion, 'bookmark applied');
  });

  it('watches again from the last resourceVersion when a watch ends, without relisting', async () => {
    const { informer } = startInformer();
    await informer.waitForSync();
    await eventually(() => server.watchCount === 1, 'watch opened');
    server.put(pod('a'));
    await eventually(() => log.length === 1, 'add seen');
    const rv = informer.lastSyncResourceVersion();
    server.closeWatches();
    server.put(pod('b'));
    await eventually(() => log.length === 2, 'missed add replayed on the new watch');
    expect(log).toEqual(['add default/a', 'add default/b']);
    const urls = server.requests.map((r) => r.url);
    expect(urls.filter((u) => !u.includes('watch=true'))).toHaveLength(1);
    expect(new URL(urls.at(-1)!, 'http://x').searchParams.get('resourceVersion')).toBe(rv);
    expect(errors).toEqual([]);
  });

  it.each([
    { name: '410 response over http', transport: 'http' as const, asEvent: false },
    { name: 'ERROR event over http', transport: 'http' as const, asEvent: true },
    { name: 'ERROR event over websocket', transport: 'websocket' as const, asEvent: true },
  ])('relists after $name and reports the difference', async ({ transport, asEvent }) => {
    server.expireAsEvent = asEvent;
    server.put(pod('keep'));
    server.put(pod('gone'));
    const { informer } = startInformer({ transport });
    await informer.waitForSync();
    await eventually(() => server.watchCount === 1, 'watch opened');
    server.put(pod('seen'));
    await eventually(() => log.length === 3, 'add seen');

    // Changes the informer never hears about, then history it can no longer resume from.
    server.removeSilently('default', 'gone');
    server.putSilently(pod('new'));
    server.compact();
    server.closeWatches();
    await eventually(() => errors.length === 1, 'expiry reported');
    expect(errors[0]).toMatchObject({ code: 410, reason: 'Expired' });

    await eventually(() => clock.pending > 0, 'back-off timer set');
    clock.step(800);
    await eventually(() => log.length === 7, 'relist applied');
    expect(log.slice(3).sort()).toEqual(['add default/new', 'delete default/gone (tombstone)', 'update default/keep', 'update default/seen']);
    expect(informer.lister.list().map(nameOf).sort()).toEqual(['default/keep', 'default/new', 'default/seen']);
    expect(informer.lastSyncResourceVersion()).toBe(server.resourceVersion);
  });

  it('replays the cache to a handler added after sync, and start resolves on abort', async () => {
    server.put(pod('a'));
    const { informer, done } = startInformer();
    await informer.waitForSync();
    const late: string[] = [];
    informer.addEventHandler({ onAdd: (o, initial) => late.push(`${nameOf(o)} ${initial}`) });
    expect(late).toEqual(['default/a true']);
    ac.abort();
    await done;
    await expect(informer.start(new AbortController().signal)).rejects.toThrow(/already started/);
  });

  it('backs off and retries while the server refuses the list', async () => {
    let refuse = 2;
    server.respond = (r) => (!r.url.includes('watch') && refuse-- > 0 ? { status: 500, body: { kind: 'Status', code: 500, reason: 'InternalError', message: 'etcd down' } } : undefined);
    const { informer } = startInformer();
    await eventually(() => errors.length === 1 && clock.pending > 0, 'first failure');
    clock.step(800);
    await eventually(() => errors.length === 2 && clock.pending > 0, 'second failure');
    expect(informer.hasSynced()).toBe(false);
    clock.step(1599);
    await flush();
    expect(errors).toHaveLength(2);
    clock.step(1);
    await informer.waitForSync();
    expect(errors.map((e) => (e as Error).message)).toEqual(['etcd down', 'etcd down']);
  });
});
