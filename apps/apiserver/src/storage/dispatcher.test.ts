// The dispatcher's one etcd watch: its resume after a dropped stream, against a scripted watcher
// (a drop in the middle of a catch-up cannot be timed on a real etcd), and on a real etcd, that the
// stream is not cut by the deadline unary calls get.
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { startEtcd, type EtcdProcess } from '@k8ts/testing';
import { EtcdStore } from './etcd-store.ts';
import { WatchDispatcher, type CacheTarget } from './dispatcher.ts';

class ScriptedWatcher extends EventEmitter {
  cancelled = false;
  constructor(readonly startRevision: number) {
    super();
  }
  async cancel() {
    this.cancelled = true;
  }
  put(key: string, rev: number) {
    this.emit('put', { key: Buffer.from(key), value: Buffer.from('{}'), mod_revision: String(rev) });
  }
}

function scriptedEtcd(revision: number) {
  const watchers: ScriptedWatcher[] = [];
  const builder = (start = 0) => ({
    prefix: () => builder(start),
    startRevision: (rev: string) => builder(Number(rev)),
    create: async () => {
      const w = new ScriptedWatcher(start);
      watchers.push(w);
      return w;
    },
  });
  const etcd = {
    revision: async () => revision,
    rangeAll: async () => ({ kvs: [], revision }),
    client: { watch: () => builder() },
  } as unknown as EtcdStore;
  return { etcd, watchers };
}

function recordingTarget(): CacheTarget & { revs: number[] } {
  const revs: number[] = [];
  return { prefix: '/registry/pods/', revs, reset: () => undefined, put: (_k, _v, rev) => revs.push(rev), remove: () => undefined, invalidate: () => undefined };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('WatchDispatcher', () => {
  it('resumes a dropped etcd watch after the last revision it applied, and ignores the old watcher', async () => {
    const { etcd, watchers } = scriptedEtcd(10);
    const d = new WatchDispatcher(etcd, '/registry', pino({ level: 'silent' }));
    const pods = recordingTarget();
    d.add(pods);
    await d.start();
    expect(watchers.map((w) => w.startRevision)).toEqual([11]);

    const first = watchers[0]!;
    first.put('/registry/pods/default/a', 11);
    first.put('/registry/pods/default/b', 12);
    // The stream drops while etcd is still sending revisions 13…20 (it had already reported 20).
    first.emit('disconnected', new Error('stream reset'));
    await settle();
    expect(first.cancelled).toBe(true);
    expect(watchers.map((w) => w.startRevision)).toEqual([11, 13]);

    // The library's own resume of the old watcher would start past the lost events: not listened to.
    first.put('/registry/pods/default/late', 21);
    const second = watchers[1]!;
    for (let rev = 13; rev <= 20; rev++) second.put(`/registry/pods/default/p${rev}`, rev);
    expect(pods.revs).toEqual([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    expect(d.revision).toBe(20);
    await d.stop();
  });
});

describe('WatchDispatcher on a real etcd', () => {
  let etcdProcess: EtcdProcess | undefined;
  afterAll(async () => etcdProcess?.stop());

  it('keeps its etcd watch past the deadline of unary calls', async () => {
    etcdProcess = await startEtcd({ name: 'dispatcher-test' });
    const etcd = new EtcdStore({ endpoints: [etcdProcess.endpoint], callTimeoutMs: 300 });
    const warnings: string[] = [];
    const d = new WatchDispatcher(etcd, '/registry', pino({ level: 'warn' }, { write: (line: string) => warnings.push(line) }));
    const pods = recordingTarget();
    d.add(pods);
    await d.start();
    await new Promise((r) => setTimeout(r, 1_000));
    const res = await etcd.create('/registry/pods/default/a', Buffer.from('{}'));
    if (!res.ok) throw new Error('create failed');
    await d.waitFor(res.rev, 2_000);
    expect(pods.revs).toEqual([res.rev]);
    expect(warnings).toEqual([]);
    await d.stop();
    etcd.close();
  }, 30_000);
});
