// One Job sync (upstream syncJob), as numbered steps: read the Job and its pods from the
// listers → count what finished → decide whether the Job has failed or succeeded → create or
// delete pods → write status and release finished pods (track.ts).
import { labelSelectorFromObject } from '@k8ts/api';
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { claim } from '../../controller/controller-ref.ts';
import { isPodActive, isPodReady } from '../../controller/pod-utils.ts';
import { isIndexedJob, parseIndexes, validIndex } from './indexed.ts';
import { deleteActivePods, manageJob } from './manage.ts';
import type { JobDeps, SyncCtx } from './ports.ts';
import {
  ensureCondition, findCondition, hasTrackingFinalizer, isJobFinished, isPodFailed, isPodTerminating, isSuspended,
  JOB_CONTROLLER_NAME, newCondition, pastBackoffLimitOnFailure, REASONS,
} from './status.ts';
import { trackStatus } from './track.ts';

export async function syncJob(d: JobDeps, key: string): Promise<void> {
  // 1. The Job from the lister; a deleted Job leaves nothing to expect.
  const cached = d.jobs.get(key);
  if (!cached) {
    d.expectations.delete(key);
    d.finalizers.delete(key);
    d.backoff.delete(key);
    return;
  }
  if (isJobFinished(cached)) return;
  if (cached.spec?.managedBy && cached.spec.managedBy !== JOB_CONTROLLER_NAME) return;
  const job: Job = structuredClone(cached);
  const status = (job.status ??= {});
  status.uncountedTerminatedPods ??= {};
  const now = d.clock.now();
  // Read before the pods, so pods created after this point cannot be missed.
  const satisfied = d.expectations.satisfied(key);

  // 2. Its pods, and what finished since the counters were last written.
  const pods = await podsFor(d, job);
  const active = pods.filter(isPodActive);
  const uncounted = {
    succeeded: new Set(status.uncountedTerminatedPods.succeeded ?? []),
    failed: new Set(status.uncountedTerminatedPods.failed ?? []),
  };
  const expectedRm = d.finalizers.expected(key);
  const fresh = (seen: ReadonlySet<string>, f: (p: Pod) => boolean) => pods.filter((p) => {
    const uid = p.metadata?.uid ?? '';
    if (!hasTrackingFinalizer(p) || seen.has(uid) || expectedRm.has(uid)) return false;
    if (isIndexedJob(job) && validIndex(job, p) === undefined) return false;
    return f(p);
  });
  const newSucceeded = fresh(uncounted.succeeded, (p) => p.status?.phase === 'Succeeded');
  const newFailed = fresh(uncounted.failed, (p) => isPodFailed(p, job));
  const c: SyncCtx = {
    key, job, pods, active, uncounted, expectedRm,
    ready: active.filter(isPodReady).length,
    terminating: pods.filter(isPodTerminating).length,
    succeeded: (status.succeeded ?? 0) + newSucceeded.length + uncounted.succeeded.size,
    failed: (status.failed ?? 0) + newFailed.length + uncounted.failed.size,
    prevSucceededIndexes: new Set(),
    succeededIndexes: new Set(),
    backoff: d.backoff.next(key, newSucceeded, newFailed),
  };
  const before = { active: status.active, ready: status.ready, terminating: status.terminating, startTime: status.startTime };
  if (!status.startTime && !isSuspended(job)) status.startTime = apiNow(now);

  // 3. Has it failed (backoff limit, deadline) or already met its success criteria?
  c.finished = findCondition(job, 'SuccessCriteriaMet')?.status === 'True' ? findCondition(job, 'SuccessCriteriaMet') : undefined;
  const target = findCondition(job, 'FailureTarget');
  if (!c.finished && target?.status === 'True') c.finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
  if (!c.finished) {
    if (c.failed > (job.spec?.backoffLimit ?? 6) || pastBackoffLimitOnFailure(job, pods)) c.finished = failure(REASONS.backoffLimitExceeded, now);
    else if (deadlineLeft(job, now) === 0) c.finished = failure(REASONS.deadlineExceeded, now);
    else if (deadlineLeft(job, now) !== undefined) d.enqueueAfter(key, deadlineLeft(job, now)!);
  }
  if (isIndexedJob(job)) {
    const completions = job.spec?.completions ?? 0;
    c.prevSucceededIndexes = parseIndexes(status.completedIndexes, completions);
    c.succeededIndexes = new Set(c.prevSucceededIndexes);
    for (const p of pods) {
      const ix = validIndex(job, p);
      if (ix !== undefined && p.status?.phase === 'Succeeded' && hasTrackingFinalizer(p)) c.succeededIndexes.add(ix);
    }
    c.succeeded = c.succeededIndexes.size;
  }

  // 4. Act: a finishing Job loses its active pods; otherwise pods are created or deleted.
  let activeCount = active.length;
  let err: unknown;
  let suspendChanged = false;
  if (c.finished) {
    const res = await deleteActivePods(d, c);
    // Not finished until every pod is gone and the informer has caught up with our writes.
    if (res.removed !== activeCount || !satisfied) c.finished = undefined;
    activeCount -= res.removed;
    err = res.err;
  } else {
    const manage = satisfied && !job.metadata?.deletionTimestamp;
    if (manage) ({ active: activeCount, err } = await manageJob(d, c));
    const completions = job.spec?.completions;
    const complete = activeCount === 0 && (completions === undefined ? c.succeeded > 0 : c.succeeded >= completions);
    if (complete) c.finished = newCondition('SuccessCriteriaMet', 'True', ...REASONS.completionsReached, now);
    else if (manage) suspendChanged = updateSuspended(d, c.job, now);
  }

  // 5. Status, always: counts, conditions, and the pods whose finalizers can go.
  status.active = activeCount;
  status.ready = c.ready;
  status.terminating = c.terminating;
  const changed = suspendChanged || Object.entries(before).some(([k, v]) => status[k as keyof typeof before] !== v);
  await trackStatus(d, c, changed);
  if (err) throw err;
}

const apiNow = (now: Date) => now.toISOString().replace(/\.\d{3}Z$/, 'Z');

const failure = ([reason, message]: readonly [string, string], now: Date): JobCondition =>
  newCondition('FailureTarget', 'True', reason, message, now);

/** ms until activeDeadlineSeconds runs out (0 when past); undefined when there is no running deadline. */
function deadlineLeft(job: Job, now: Date): number | undefined {
  const secs = job.spec?.activeDeadlineSeconds;
  const start = job.status?.startTime;
  if (secs === undefined || !start || isSuspended(job)) return undefined;
  return Math.max(0, Date.parse(start) + secs * 1000 - now.getTime());
}

/** The Suspended condition and its events; resuming restarts the active deadline. */
function updateSuspended(d: JobDeps, job: Job, now: Date): boolean {
  const obj = { ...job, apiVersion: 'batch/v1', kind: 'Job' };
  if (isSuspended(job)) {
    if (!ensureCondition(job, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) return false;
    d.recorder.event(obj, 'Normal', 'Suspended', 'Job suspended');
    return true;
  }
  if (!ensureCondition(job, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) return false;
  d.recorder.event(obj, 'Normal', 'Resumed', 'Job resumed');
  job.status!.startTime = apiNow(now);
  return true;
}

/** The pods this Job controls, adopting matching orphans and releasing pods that stopped matching. */
async function podsFor(d: JobDeps, job: Job): Promise<Pod[]> {
  const ns = job.metadata?.namespace ?? '';
  const selector = labelSelectorFromObject(job.spec?.selector);
  const candidates = d.pods.byNamespace(ns, (p) => selector.matches(p.metadata?.labels ?? {}) || p.metadata?.ownerReferences?.some((r) => r.uid === job.metadata?.uid) === true);
  return claim(candidates, {
    owner: job,
    apiVersion: 'batch/v1',
    kind: 'Job',
    selector,
    patch: (pod, patch) => d.podControl.patchPod(ns, pod.metadata?.name ?? '', patch),
    canAdopt: async () => {
      const name = job.metadata?.name ?? '';
      const fresh = await d.api.get(ns, name);
      if (fresh.metadata?.uid !== job.metadata?.uid) throw new Error(`original Job ${ns}/${name} is gone: got uid ${fresh.metadata?.uid}, wanted ${job.metadata?.uid}`);
      if (fresh.metadata?.deletionTimestamp) throw new Error(`Job ${ns}/${name} has just been deleted at ${fresh.metadata.deletionTimestamp}`);
    },
  });
}
