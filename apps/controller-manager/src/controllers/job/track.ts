// Counting finished pods with the tracking finalizer (upstream trackJobStatusAndRemoveFinalizers):
// a finished pod's UID goes to status.uncountedTerminatedPods first, and only after that status
// is written does the controller remove the pod's finalizer; UIDs whose pods no longer hold the
// finalizer then move into the succeeded/failed counters. A crash between any two steps
// therefore neither loses a pod nor counts it twice. Indexed Jobs record succeeded indexes in
// completedIndexes instead of UIDs.
import { ApiError } from '@k8ts/api';
import type { Job, JobStatus } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { formatIndexes, isIndexedJob, validIndex } from './indexed.ts';
import type { JobDeps, SyncCtx } from './ports.ts';
import { ensureCondition, hasTrackingFinalizer, isPodFailed, newCondition, removeFinalizerPatch } from './status.ts';

/** Keeps status.uncountedTerminatedPods small (upstream MaxUncountedPods, ~20 KB of UIDs). */
export const MAX_UNCOUNTED_PODS = 500;

/** Drops UIDs whose pods lost the finalizer and adds them to the counters; returns whether it changed anything. */
function countUncounted(status: JobStatus, withFinalizer: ReadonlySet<string>): boolean {
  const u = (status.uncountedTerminatedPods ??= {});
  let changed = false;
  for (const field of ['succeeded', 'failed'] as const) {
    const list = u[field] ?? [];
    const keep = list.filter((uid) => withFinalizer.has(uid));
    if (keep.length === list.length) continue;
    changed = true;
    status[field] = (status[field] ?? 0) + list.length - keep.length;
    if (keep.length > 0) u[field] = keep;
    else delete u[field];
  }
  return changed;
}

const uidOf = (p: Pod) => p.metadata?.uid ?? '';

export async function trackStatus(d: JobDeps, c: SyncCtx, needsFlush: boolean): Promise<void> {
  const indexed = isIndexedJob(c.job);
  const pods = indexed ? [...c.pods].sort((a, b) => (validIndex(c.job, a) ?? Infinity) - (validIndex(c.job, b) ?? Infinity)) : c.pods;
  const withFinalizer = new Set(pods.filter((p) => hasTrackingFinalizer(p) && !c.expectedRm.has(uidOf(p))).map(uidOf));
  if (countUncounted(c.job.status!, withFinalizer)) needsFlush = true;

  // 1. Finished pods (all pods, when the Job is failing or being deleted) enter the uncounted lists.
  const uncounted = c.job.status!.uncountedTerminatedPods!;
  const failing = c.finished !== undefined && c.finished.type !== 'SuccessCriteriaMet';
  const toRelease: Pod[] = [];
  const newIndexes: number[] = [];
  let reachedMax = false;
  for (const pod of pods) {
    const uid = uidOf(pod);
    if (!hasTrackingFinalizer(pod) || c.expectedRm.has(uid)) continue;
    const failed = isPodFailed(pod, c.job);
    const succeeded = pod.status?.phase === 'Succeeded';
    if (!c.job.metadata?.deletionTimestamp && !c.finished && !succeeded && !failed) continue;
    toRelease.push(pod);
    if (succeeded && !c.uncounted.failed.has(uid)) {
      if (indexed) {
        const ix = validIndex(c.job, pod);
        if (ix !== undefined && !c.prevSucceededIndexes.has(ix)) {
          newIndexes.push(ix);
          needsFlush = true;
        }
      } else if (!c.uncounted.succeeded.has(uid)) {
        (uncounted.succeeded ??= []).push(uid);
        needsFlush = true;
      }
    } else if ((failed || failing) && !c.uncounted.failed.has(uid) && (!indexed || validIndex(c.job, pod) !== undefined)) {
      (uncounted.failed ??= []).push(uid);
      needsFlush = true;
    }
    if (newIndexes.length + (uncounted.succeeded?.length ?? 0) + (uncounted.failed?.length ?? 0) >= MAX_UNCOUNTED_PODS) {
      // The rest waits for the next sync, which this status write triggers.
      reachedMax = true;
      break;
    }
  }
  if (indexed) {
    for (const ix of newIndexes) c.succeededIndexes.add(ix);
    const text = formatIndexes(c.succeededIndexes);
    if (text !== (c.job.status!.completedIndexes ?? '')) needsFlush = true;
    c.job.status!.succeeded = c.succeededIndexes.size;
    c.job.status!.completedIndexes = text;
  }

  // 2. The interim condition is written before any finalizer goes, so the outcome survives a crash.
  const now = d.clock.now();
  if (c.finished?.type === 'FailureTarget') {
    c.job.status!.conditions = [...(c.job.status!.conditions ?? []), c.finished];
    needsFlush = true;
    c.finished = newCondition('Failed', 'True', c.finished.reason ?? '', c.finished.message ?? '', now);
  }
  if (c.finished?.type === 'SuccessCriteriaMet') {
    if (!c.job.status!.conditions?.some((x) => x.type === 'SuccessCriteriaMet' && x.status === 'True')) {
      c.job.status!.conditions = [...(c.job.status!.conditions ?? []), c.finished];
      needsFlush = true;
    }
    c.finished = newCondition('Complete', 'True', c.finished.reason ?? '', c.finished.message ?? '', now);
  }

  // 3. Write the uncounted UIDs, then remove finalizers, then move what was released into the counters.
  if (needsFlush) {
    c.job = await d.api.updateStatus(c.job);
    d.backoff.store(c.backoff);
    needsFlush = false;
  }
  const rmErr = await releasePods(d, c.key, toRelease, withFinalizer);
  if (countUncounted(c.job.status!, withFinalizer)) needsFlush = true;
  if (rmErr) {
    if (needsFlush) c.job = await d.api.updateStatus(c.job);
    throw rmErr;
  }

  // 4. The terminal condition, once nothing is uncounted or still terminating.
  const finishedNow = !reachedMax && enactFinished(c, now);
  if (finishedNow || needsFlush) c.job = await d.api.updateStatus(c.job);
  if (finishedNow) recordFinished(d, c.job, c.finished!.type === 'Complete' ? undefined : c.finished!);
}

async function releasePods(d: JobDeps, key: string, pods: readonly Pod[], withFinalizer: Set<string>): Promise<unknown> {
  if (pods.length === 0) return undefined;
  d.finalizers.expect(key, pods.map(uidOf));
  let first: unknown;
  await Promise.all(pods.map(async (pod) => {
    try {
      await d.podControl.patchPod(pod.metadata?.namespace ?? '', pod.metadata?.name ?? '', removeFinalizerPatch);
    } catch (err) {
      // No update will show this removal: stop expecting it.
      d.finalizers.observed(key, uidOf(pod));
      if (!(err instanceof ApiError && err.code === 404)) return void (first ??= err);
    }
    withFinalizer.delete(uidOf(pod));
  }));
  return first;
}

function enactFinished(c: SyncCtx, now: Date): boolean {
  if (!c.finished) return false;
  const u = c.job.status!.uncountedTerminatedPods;
  if ((u?.succeeded?.length ?? 0) + (u?.failed?.length ?? 0) > 0) return false;
  if (c.terminating > 0) return false;
  ensureCondition(c.job, c.finished.type as 'Complete' | 'Failed', 'True', c.finished.reason ?? '', c.finished.message ?? '', now);
  if (c.finished.type === 'Complete') c.job.status!.completionTime = c.job.status!.conditions!.find((x) => x.type === 'Complete')!.lastTransitionTime!;
  return true;
}

function recordFinished(d: JobDeps, job: Job, failed: { reason?: string; message?: string } | undefined): void {
  const obj = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
  if (failed) return d.recorder.event(obj, 'Warning', failed.reason ?? '', failed.message ?? '');
  const completions = job.spec?.completions;
  if (completions !== undefined && (job.status?.succeeded ?? 0) > completions)
    d.recorder.event(obj, 'Warning', 'TooManySucceededPods', 'Too many succeeded pods running after completion count reached');
  d.recorder.event(obj, 'Normal', 'Completed', 'Job completed');
}
