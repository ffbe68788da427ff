// Job conditions and pod facts the Job controller keeps asking (upstream job_controller.go and
// pkg/controller/job/util). In 1.32 a Job first gets the interim SuccessCriteriaMet or
// FailureTarget condition, and the terminal Complete or Failed one only once no pod is left
// running or holding the tracking finalizer.
import type { Job, JobCondition } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';

export const TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

export type JobConditionType = 'Complete' | 'Failed' | 'SuccessCriteriaMet' | 'FailureTarget' | 'Suspended';

export const REASONS = {
  completionsReached: ['CompletionsReached', 'Reached expected number of succeeded pods'],
  backoffLimitExceeded: ['BackoffLimitExceeded', 'Job has reached the specified backoff limit'],
  deadlineExceeded: ['DeadlineExceeded', 'Job was active longer than specified deadline'],
} as const;

/** API time (RFC 3339, whole seconds). */
export const apiTime = (d: Date | number) => new Date(d).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function newCondition(type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: Date): JobCondition {
  const t = apiTime(now);
  return { type, status, reason, message, lastProbeTime: t, lastTransitionTime: t };
}

export const findCondition = (job: Job, type: JobConditionType): JobCondition | undefined =>
  job.status?.conditions?.find((c) => c.type === type);

const isTrue = (job: Job, type: JobConditionType) => findCondition(job, type)?.status === 'True';

/** Complete or Failed (upstream util.IsJobFinished). */
export const isJobFinished = (job: Job) => isTrue(job, 'Complete') || isTrue(job, 'Failed');

/** The time the Job finished, from its terminal condition. */
export function jobFinishTime(job: Job): Date | undefined {
  const c = job.status?.conditions?.find((x) => (x.type === 'Complete' || x.type === 'Failed') && x.status === 'True');
  return c?.lastTransitionTime ? new Date(c.lastTransitionTime) : undefined;
}

export const isSuspended = (job: Job) => job.spec?.suspend === true;

/**
 * Sets condition `type` to `status` (replacing it when status, reason or message differ); never
 * adds a condition that is False. Returns whether anything changed.
 */
export function ensureCondition(job: Job, type: JobConditionType, status: 'True' | 'False', reason: string, message: string, now: Date): boolean {
  const list = ((job.status ??= {}).conditions ??= []);
  const i = list.findIndex((c) => c.type === type);
  if (i >= 0) {
    const c = list[i]!;
    if (c.status === status && c.reason === reason && c.message === message) return false;
    list[i] = newCondition(type, status, reason, message, now);
    return true;
  }
  if (status === 'False') return false;
  list.push(newCondition(type, status, reason, message, now));
  return true;
}

export const hasTrackingFinalizer = (pod: Pod) => pod.metadata?.finalizers?.includes(TRACKING_FINALIZER) ?? false;

/** Failed, or (unless only failed pods are replaced) being deleted before it succeeded. */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (job.spec?.podReplacementPolicy === 'Failed') return false;
  return Boolean(pod.metadata?.deletionTimestamp) && pod.status?.phase !== 'Succeeded';
}

/** Being deleted but not finished (upstream CountTerminatingPods). */
export const isPodTerminating = (pod: Pod) =>
  Boolean(pod.metadata?.deletionTimestamp) && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/** The strategic merge patch that drops the tracking finalizer. */
export const removeFinalizerPatch = { metadata: { '$deleteFromPrimitiveList/finalizers': [TRACKING_FINALIZER] } };

/** Sum of container restarts of running or pending pods (restartPolicy OnFailure counts these as failures). */
export function pastBackoffLimitOnFailure(job: Job, pods: readonly Pod[]): boolean {
  if (job.spec?.template.spec?.restartPolicy !== 'OnFailure') return false;
  let restarts = 0;
  for (const p of pods) {
    if (p.status?.phase !== 'Running' && p.status?.phase !== 'Pending') continue;
    for (const s of [...(p.status.initContainerStatuses ?? []), ...(p.status.containerStatuses ?? [])]) restarts += s.restartCount;
  }
  const limit = job.spec.backoffLimit ?? 6;
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

/**
 * Pod UIDs whose finalizer removal this controller asked for and has not yet seen
 * (upstream's uidTrackingExpectations for finalizers): such pods were already counted.
 */
export class FinalizerExpectations {
  readonly #uids = new Map<string, Set<string>>();

  expect(key: string, uids: readonly string[]): void {
    const set = this.#uids.get(key) ?? new Set<string>();
    for (const u of uids) set.add(u);
    this.#uids.set(key, set);
  }

  observed(key: string, uid: string): void {
    this.#uids.get(key)?.delete(uid);
  }

  expected(key: string): ReadonlySet<string> {
    return this.#uids.get(key) ?? new Set();
  }

  delete(key: string): void {
    this.#uids.delete(key);
  }
}
