import { ApiError } from '@k8ts/api';
import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Job } from 'kubernetes-types/batch/v1';
import { describe, expect, it } from 'vitest';
import { syncTtl } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

const job = (ttl: number | undefined, finishedAt?: number, o: { type?: string; deleting?: boolean } = {}): Job => ({
  metadata: { name: 'j', namespace: 'ns', uid: 'u1', ...(o.deleting ? { deletionTimestamp: at(0) } : {}) },
  spec: { template: {}, ...(ttl !== undefined ? { ttlSecondsAfterFinished: ttl } : {}) },
  status: finishedAt === undefined ? {} : { conditions: [{ type: o.type ?? 'Complete', status: 'True', lastTransitionTime: at(finishedAt) }] },
});

describe('syncTtl', () => {
  const cases: { name: string; job: Job; fresh?: Job; nowS: number; deleted: boolean; requeue?: number }[] = [
    { name: 'a finished Job past its TTL is deleted', job: job(10, 0), nowS: 10, deleted: true },
    { name: 'a Failed Job is deleted too', job: job(0, 0, { type: 'Failed' }), nowS: 1, deleted: true },
    { name: 'before its TTL the key is requeued for the rest', job: job(100, 0), nowS: 40, deleted: false, requeue: 60_000 },
    { name: 'a running Job is left alone', job: job(10), nowS: 100, deleted: false },
    { name: 'a Job without a TTL is left alone', job: job(undefined, 0), nowS: 100, deleted: false },
    { name: 'a Job already being deleted is left alone', job: job(0, 0, { deleting: true }), nowS: 100, deleted: false },
    { name: 'a TTL raised since the cache saw it is honoured', job: job(10, 0), fresh: job(300, 0), nowS: 20, deleted: false, requeue: 280_000 },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const store = new Store<Job>();
      store.set(c.job);
      const deletes: string[] = [];
      const requeue = await syncTtl({
        jobs: new Lister(store),
        clock: new FakeClock(T0 + c.nowS * 1000),
        api: {
          get: async () => c.fresh ?? c.job,
          delete: async (ns, name, uid) => void deletes.push(`${ns}/${name} ${uid}`),
        },
      }, 'ns/j');
      expect(deletes).toEqual(c.deleted ? ['ns/j u1'] : []);
      expect(requeue).toBe(c.requeue);
    });
  }

  it('a Job gone from the API is not an error', async () => {
    const store = new Store<Job>();
    store.set(job(0, 0));
    const api = { get: async (): Promise<Job> => { throw new ApiError(404, 'NotFound', 'gone'); }, delete: async () => undefined };
    await expect(syncTtl({ jobs: new Lister(store), clock: new FakeClock(T0 + 5000), api }, 'ns/j')).resolves.toBeUndefined();
  });
});
