// Creating and deleting a Job's pods (upstream manageJob): never more active pods than
// parallelism nor than the completions still missing; failed pods are replaced only after the
// back-off; creations go in slow-start batches (1, 2, 4, …) that stop at the first failure.
import { ApiError } from '@k8ts/api';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import { newControllerRef } from '../../controller/controller-ref.ts';
import { isPodReady } from '../../controller/pod-utils.ts';
import { remainingBackoff } from './backoff.ts';
import { duplicateIndexPods, firstPendingIndexes, indexedNamePrefix, isIndexedJob, templateForIndex } from './indexed.ts';
import type { JobDeps, SyncCtx } from './ports.ts';
import { hasTrackingFinalizer, isSuspended, removeFinalizerPatch, TRACKING_FINALIZER } from './status.ts';

/** At most this many pods are created or deleted in one sync (upstream MaxPodCreateDeletePerSync). */
export const MAX_POD_CREATE_DELETE_PER_SYNC = 500;
const SLOW_START_INITIAL_BATCH = 1;
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

const is404 = (err: unknown) => err instanceof ApiError && err.code === 404;

/** Returns the active count after acting, and the first error (the sync rethrows it after writing status). */
export async function manageJob(d: JobDeps, c: SyncCtx): Promise<{ active: number; err?: unknown }> {
  const job = c.job;
  let active = c.active.length;
  const parallelism = job.spec?.parallelism ?? 1;

  if (isSuspended(job)) {
    const res = await deletePods(d, c, podsForRemoval(job, c.active, active));
    return { active: active - res.removed, err: res.err };
  }

  const completions = job.spec?.completions;
  let want = completions === undefined ? (c.succeeded > 0 ? active : parallelism) : Math.max(0, Math.min(completions - c.succeeded, parallelism));

  const remove = podsForRemoval(job, c.active, Math.max(0, active - want)).slice(0, MAX_POD_CREATE_DELETE_PER_SYNC);
  // Deletion takes precedence: a sync either deletes or creates, never both.
  if (remove.length > 0) {
    const res = await deletePods(d, c, remove);
    return { active: active - res.removed, err: res.err };
  }

  const terminating = job.spec?.podReplacementPolicy === 'Failed' ? c.terminating : 0;
  let diff = Math.min(want - terminating - active, MAX_POD_CREATE_DELETE_PER_SYNC);
  if (diff <= 0) return { active };
  const wait = remainingBackoff(c.backoff, d.clock.now().getTime());
  if (wait > 0) {
    d.enqueueAfter(c.key, wait);
    return { active };
  }
  let indexes: number[] = [];
  if (isIndexedJob(job)) {
    indexes = firstPendingIndexes(c.succeededIndexes, c.active, job, diff);
    diff = indexes.length;
  }
  d.expectations.expectCreations(c.key, diff);
  const template = structuredClone(job.spec!.template);
  const meta = (template.metadata ??= {});
  if (!meta.finalizers?.includes(TRACKING_FINALIZER)) meta.finalizers = [...(meta.finalizers ?? []), TRACKING_FINALIZER];
  const ref = newControllerRef(job, 'batch/v1', 'Job');
  const ns = job.metadata?.namespace ?? 'default';
  let firstErr: unknown;
  for (let batch = Math.min(diff, SLOW_START_INITIAL_BATCH); diff > 0; batch = Math.min(2 * batch, diff)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => {
      const ix = indexes.shift();
      const [t, name] = ix === undefined ? [template, undefined] : podSpecFor(d, template, job, ix);
      return d.podControl.createPod(ns, t, { ...job, apiVersion: 'batch/v1', kind: 'Job' }, ref, name ? { name } : {});
    }));
    let failed = 0;
    for (const r of results) {
      if (r.status === 'fulfilled') continue;
      failed++;
      d.expectations.creationObserved(c.key);
      firstErr ??= r.reason;
    }
    active += batch - failed;
    diff -= batch;
    if (failed > 0) {
      // The pods not attempted will not be observed either; a later sync retries them.
      d.expectations.lower(c.key, diff, 0);
      break;
    }
  }
  return { active, err: firstErr };
}

/**
 * Our PodControl names pods itself, so indexed pods get upstream's generate-name prefix
 * `<job>-<index>-` plus five random characters, as the API server would add.
 */
function podSpecFor(d: JobDeps, template: PodTemplateSpec, job: Job, ix: number): [PodTemplateSpec, string] {
  const name = job.metadata?.name ?? '';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += NAME_ALPHABET[Math.floor(d.random() * NAME_ALPHABET.length)];
  return [templateForIndex(template, name, ix), indexedNamePrefix(name, ix) + suffix];
}

/** Removes the finalizer, then deletes; returns how many went, and lowers expectations for the rest. */
async function deletePods(d: JobDeps, c: SyncCtx, pods: readonly Pod[]): Promise<{ removed: number; err?: unknown }> {
  if (pods.length === 0) return { removed: 0 };
  d.expectations.expectDeletions(c.key, pods.length);
  const owner = { ...c.job, apiVersion: 'batch/v1', kind: 'Job' };
  const results = await Promise.allSettled(pods.map(async (pod) => {
    const ns = pod.metadata?.namespace ?? '';
    const name = pod.metadata?.name ?? '';
    try {
      if (hasTrackingFinalizer(pod)) await d.podControl.patchPod(ns, name, removeFinalizerPatch);
      await d.podControl.deletePod(ns, name, owner);
    } catch (err) {
      d.expectations.deletionObserved(c.key);
      if (!is404(err)) throw err;
    }
  }));
  return tallyDeletions(c, pods, results);
}

/** Deletes active pods of a finished Job, keeping their finalizers so they are still counted. */
export async function deleteActivePods(d: JobDeps, c: SyncCtx): Promise<{ removed: number; err?: unknown }> {
  const owner = { ...c.job, apiVersion: 'batch/v1', kind: 'Job' };
  const results = await Promise.allSettled(c.active.map(async (pod) => {
    try {
      await d.podControl.deletePod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', owner);
    } catch (err) {
      if (!is404(err)) throw err;
    }
  }));
  return tallyDeletions(c, c.active, results);
}

/** Counts the deletions that went through (they are terminating now, no longer ready); keeps the first error. */
function tallyDeletions(c: SyncCtx, pods: readonly Pod[], results: readonly PromiseSettledResult<unknown>[]): { removed: number; err?: unknown } {
  let removed = 0;
  let err: unknown;
  results.forEach((r, i) => {
    if (r.status === 'rejected') return void (err ??= r.reason);
    removed++;
    if (isPodReady(pods[i]!)) c.ready--;
  });
  c.terminating += removed;
  return { removed, err };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const time = (s: string | undefined) => (s ? Date.parse(s) : 0);
const restarts = (p: Pod) => (p.status?.containerStatuses ?? []).reduce((n, s) => n + s.restartCount, 0);

/** upstream's ActivePods order: the pods in the earliest stage of their life first. */
function removalOrder(a: Pod, b: Pod): number {
  const assigned = Number(Boolean(a.spec?.nodeName)) - Number(Boolean(b.spec?.nodeName));
  if (assigned) return assigned;
  const phase = (PHASE_RANK[a.status?.phase ?? 'Pending'] ?? 0) - (PHASE_RANK[b.status?.phase ?? 'Pending'] ?? 0);
  if (phase) return phase;
  const ready = Number(isPodReady(a)) - Number(isPodReady(b));
  if (ready) return ready;
  const readyTime = (p: Pod) => time(p.status?.conditions?.find((x) => x.type === 'Ready')?.lastTransitionTime);
  if (isPodReady(a) && readyTime(a) !== readyTime(b)) return readyTime(b) - readyTime(a);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  return time(b.metadata?.creationTimestamp) - time(a.metadata?.creationTimestamp);
}

/** Pods to delete: for Indexed Jobs those with a repeated or invalid index first, then by removal order. */
export function podsForRemoval(job: Job, active: readonly Pod[], atLeast: number): Pod[] {
  const { remove, keep } = isIndexedJob(job) ? duplicateIndexPods(job, active) : { remove: [], keep: [...active] };
  if (remove.length < atLeast) remove.push(...keep.sort(removalOrder).slice(0, atLeast - remove.length));
  return remove;
}
