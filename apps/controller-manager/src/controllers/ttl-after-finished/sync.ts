// One TTL-after-finished sync (upstream pkg/controller/ttlafterfinished processJob): a finished
// Job with ttlSecondsAfterFinished is deleted, with foreground propagation so its pods go first,
// once finish time + TTL has passed; until then the sync says how long to wait. The TTL is
// re-checked against a fresh read before deleting, since the user may have changed it.
import { ApiError } from '@k8ts/api';
import type { Clock, Lister } from '@k8ts/client';
import type { Job } from 'kubernetes-types/batch/v1';
import { isJobFinished, jobFinishTime } from '../job/status.ts';

export interface TtlJobApi {
  get(namespace: string, name: string): Promise<Job>;
  /** DELETE with propagationPolicy Foreground and a uid precondition. */
  delete(namespace: string, name: string, uid: string): Promise<void>;
}

export interface TtlDeps {
  jobs: Lister<Job>;
  api: TtlJobApi;
  clock: Clock;
}

export const needsCleanup = (job: Job) => job.spec?.ttlSecondsAfterFinished != null && isJobFinished(job) && !job.metadata?.deletionTimestamp;

/** ms until `job` expires (0: due now); undefined when it never will. */
export function timeLeft(job: Job, now: Date): number | undefined {
  if (!needsCleanup(job)) return undefined;
  const finished = jobFinishTime(job);
  if (!finished) return undefined;
  return Math.max(0, finished.getTime() + job.spec!.ttlSecondsAfterFinished! * 1000 - now.getTime());
}

/** Returns ms until the key should be synced again, or undefined. */
export async function syncTtl(d: TtlDeps, key: string): Promise<number | undefined> {
  // 1. From the cache: nothing to do, or not yet.
  const cached = d.jobs.get(key);
  if (!cached) return undefined;
  const left = timeLeft(cached, d.clock.now());
  if (left === undefined || left > 0) return left;
  // 2. Fresh from the API: the TTL or the Job may have changed since the cache saw it.
  const ns = cached.metadata?.namespace ?? '';
  const name = cached.metadata?.name ?? '';
  let fresh: Job;
  try {
    fresh = await d.api.get(ns, name);
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
  const freshLeft = timeLeft(fresh, d.clock.now());
  if (freshLeft === undefined || freshLeft > 0) return freshLeft;
  // 3. Delete it and, in the foreground, its pods.
  try {
    await d.api.delete(ns, name, fresh.metadata?.uid ?? '');
  } catch (err) {
    if (!(err instanceof ApiError && (err.code === 404 || err.code === 409))) throw err;
  }
  return undefined;
}
