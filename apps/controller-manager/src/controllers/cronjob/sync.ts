// One CronJob sync (upstream cronjob_controllerv2.go sync/syncCronJob), as numbered steps:
// reconcile status.active with the Jobs it owns → find the newest unmet schedule time → honour
// suspend, startingDeadlineSeconds and concurrencyPolicy → create the Job for that time → delete
// finished Jobs past the history limits → write status → return when to sync again.
import { ApiError } from '@k8ts/api';
import type { Clock, Lister } from '@k8ts/client';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import type { ObjectReference } from 'kubernetes-types/core/v1';
import { controllerOf, newControllerRef } from '../../controller/controller-ref.ts';
import type { CronJobApi, Recorder } from './ports.ts';
import { hasTimeZonePrefix, mostRecentScheduleTime, nextScheduleDelay, parseSchedule, rfc1123z, rfc3339In, type Schedule } from './schedule.ts';

export const SCHEDULED_TIMESTAMP = 'batch.kubernetes.io/cronjob-scheduled-timestamp';

export interface CronJobDeps {
  cronJobs: Lister<CronJob>;
  jobs: Lister<Job>;
  api: CronJobApi;
  recorder: Recorder;
  clock: Clock;
}

const finishedType = (j: Job) => j.status?.conditions?.find((c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True')?.type;
const apiTime = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const kinded = (cj: CronJob): CronJob => ({ ...cj, apiVersion: 'batch/v1', kind: 'CronJob' });

/** `<cronjob>-<minutes since the epoch of the scheduled time>` (upstream getJobName). */
export const jobName = (cj: CronJob, scheduled: Date) => `${cj.metadata?.name}-${Math.floor(scheduled.getTime() / 60_000)}`;

/** Syncs `key`; returns ms until the next sync is due, or undefined when none is. */
export async function syncCronJob(d: CronJobDeps, key: string): Promise<number | undefined> {
  const cached = d.cronJobs.get(key);
  if (!cached) return undefined;
  const cj = structuredClone(cached);
  cj.status ??= {};
  const ns = cj.metadata?.namespace ?? '';
  const owned = d.jobs.byNamespace(ns, (j) => controllerOf(j)?.uid === cj.metadata?.uid);
  const now = d.clock.now();
  const state = { changed: false };

  // 1. Reconcile status.active with the Jobs this CronJob owns.
  await reconcileActive(d, cj, owned, state);

  // 2.–7. Schedule and create; then 8. history limits; 9. status.
  const requeue = cj.metadata?.deletionTimestamp ? undefined : await scheduleNext(d, cj, now, state);
  if (await cleanupFinished(d, cj, owned)) state.changed = true;
  if (state.changed) await d.api.updateStatus(cj);
  return requeue;
}

async function reconcileActive(d: CronJobDeps, cj: CronJob, owned: readonly Job[], state: { changed: boolean }): Promise<void> {
  const status = cj.status!;
  const inActive = (uid?: string) => status.active?.some((r) => r.uid === uid) ?? false;
  const removeActive = (uid?: string) => {
    status.active = status.active?.filter((r) => r.uid !== uid);
    if (status.active?.length === 0) delete status.active;
    state.changed = true;
  };
  for (const j of owned) {
    const finished = finishedType(j);
    if (!inActive(j.metadata?.uid) && !finished) {
      d.recorder.event(kinded(cj), 'Warning', 'UnexpectedJob', `Saw a job that the controller did not create or forgot: ${j.metadata?.name}`);
      continue;
    }
    if (inActive(j.metadata?.uid) && finished) {
      removeActive(j.metadata?.uid);
      d.recorder.event(kinded(cj), 'Normal', 'SawCompletedJob', `Saw completed job: ${j.metadata?.name}, condition: ${finished}`);
    }
    const done = j.status?.completionTime;
    if (finished === 'Complete' && done && (!status.lastSuccessfulTime || Date.parse(done) > Date.parse(status.lastSuccessfulTime))) {
      status.lastSuccessfulTime = done;
      state.changed = true;
    }
  }
  // Active Jobs the cache does not show: ask the API before declaring them gone.
  for (const ref of [...(status.active ?? [])]) {
    if (owned.some((j) => j.metadata?.uid === ref.uid)) continue;
    let job: Job | undefined = d.jobs.get(`${ref.namespace ?? cj.metadata?.namespace}/${ref.name}`);
    if (!job) {
      try {
        job = await d.api.getJob(ref.namespace ?? cj.metadata?.namespace ?? '', ref.name ?? '');
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    if (!job || job.metadata?.uid !== ref.uid) {
      d.recorder.event(kinded(cj), 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      removeActive(ref.uid);
    }
  }
}

/** Steps 2–7; returns ms until the next schedule time (undefined when the CronJob cannot run). */
async function scheduleNext(d: CronJobDeps, cj: CronJob, now: Date, state: { changed: boolean }): Promise<number | undefined> {
  const spec = cj.spec!;
  const status = cj.status!;
  // 2. Time zone and schedule; a broken one waits for the user to fix the spec.
  if (spec.timeZone) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: spec.timeZone });
    } catch {
      d.recorder.event(kinded(cj), 'Warning', 'UnknownTimeZone', `invalid timeZone: "${spec.timeZone}": unknown time zone ${spec.timeZone}`);
      return undefined;
    }
  }
  // 3. Suspended: nothing to schedule.
  if (spec.suspend) return undefined;
  let s: Schedule;
  try {
    s = parseSchedule(spec.schedule, spec.timeZone ?? 'UTC');
  } catch (err) {
    d.recorder.event(kinded(cj), 'Warning', 'UnparseableSchedule', `unparseable schedule: "${spec.schedule}" : ${(err as Error).message}`);
    return undefined;
  }
  if (hasTimeZonePrefix(spec.schedule))
    d.recorder.event(kinded(cj), 'Warning', 'UnsupportedSchedule', `CRON_TZ or TZ used in schedule "${spec.schedule}" is not officially supported, see https://kubernetes.io/docs/concepts/workloads/controllers/cron-jobs/ for more details`);

  // 4. The newest schedule time not yet met.
  const from = new Date(status.lastScheduleTime ?? cj.metadata?.creationTimestamp ?? now.toISOString());
  const later = () => nextScheduleDelay(from, now, s);
  const recent = mostRecentScheduleTime(from, spec.startingDeadlineSeconds, now, s, true);
  if (recent.tooManyMissed)
    d.recorder.event(kinded(cj), 'Warning', 'TooManyMissedTimes', 'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew');
  const scheduled = recent.mostRecent;
  if (!scheduled) return later();

  // 5. Too late to start it, or already started.
  if (spec.startingDeadlineSeconds !== undefined && scheduled.getTime() + spec.startingDeadlineSeconds * 1000 < now.getTime()) {
    d.recorder.event(kinded(cj), 'Warning', 'MissSchedule', `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`);
    return later();
  }
  const name = jobName(cj, scheduled);
  if (status.active?.some((r) => r.name === name) || (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled.getTime())) return later();

  // 6. Concurrency policy.
  if (spec.concurrencyPolicy === 'Forbid' && (status.active?.length ?? 0) > 0) {
    d.recorder.event(kinded(cj), 'Normal', 'JobAlreadyActive', 'Not starting job because prior execution is running and concurrency policy is Forbid');
    return later();
  }
  if (spec.concurrencyPolicy === 'Replace') {
    for (const ref of [...(status.active ?? [])]) {
      if (!(await deleteJob(d, cj, ref.name ?? ''))) return undefined;
      status.active = status.active?.filter((r) => r.uid !== ref.uid);
      state.changed = true;
    }
  }

  // 7. The Job for this schedule time.
  let job: Job;
  try {
    job = await d.api.createJob(cj.metadata?.namespace ?? '', jobFromTemplate(cj, scheduled, s.timeZone));
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 409)) {
      d.recorder.event(kinded(cj), 'Warning', 'FailedCreate', `Error creating job: ${(err as Error).message}`);
      throw err;
    }
    // Created by an earlier sync whose status write was lost: adopt the record, not a second Job.
    job = await d.api.getJob(cj.metadata?.namespace ?? '', name);
    if (controllerOf(job)?.uid !== cj.metadata?.uid) return later();
    if (status.active?.some((r) => r.uid === job.metadata?.uid) || finishedType(job)) return later();
  }
  d.recorder.event(kinded(cj), 'Normal', 'SuccessfulCreate', `Created job ${job.metadata?.name}`);
  status.active = [...(status.active ?? []), refOf(job)];
  status.lastScheduleTime = apiTime(scheduled);
  state.changed = true;
  return later();
}

const refOf = (job: Job): ObjectReference => ({
  kind: 'Job', namespace: job.metadata?.namespace, name: job.metadata?.name, uid: job.metadata?.uid,
  apiVersion: 'batch/v1', resourceVersion: job.metadata?.resourceVersion,
});

/** upstream getJobFromTemplate2: template labels and annotations, the scheduled-time annotation, a controller ref. */
export function jobFromTemplate(cj: CronJob, scheduled: Date, timeZone: string): Job {
  const t = cj.spec!.jobTemplate;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(cj, scheduled),
      namespace: cj.metadata?.namespace,
      labels: { ...t.metadata?.labels },
      annotations: { ...t.metadata?.annotations, [SCHEDULED_TIMESTAMP]: rfc3339In(scheduled, timeZone) },
      ownerReferences: [newControllerRef(cj, 'batch/v1', 'CronJob')],
    },
    spec: structuredClone(t.spec!),
  };
}

async function deleteJob(d: CronJobDeps, cj: CronJob, name: string): Promise<boolean> {
  try {
    await d.api.deleteJob(cj.metadata?.namespace ?? '', name);
  } catch (err) {
    if (!(err instanceof ApiError && err.code === 404)) {
      d.recorder.event(kinded(cj), 'Warning', 'FailedDelete', `Deleted job: ${(err as Error).message}`);
      return false;
    }
  }
  d.recorder.event(kinded(cj), 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  return true;
}

/** Deletes the oldest finished Jobs past successfulJobsHistoryLimit / failedJobsHistoryLimit. */
async function cleanupFinished(d: CronJobDeps, cj: CronJob, owned: readonly Job[]): Promise<boolean> {
  const { successfulJobsHistoryLimit: okLimit, failedJobsHistoryLimit: failLimit } = cj.spec ?? {};
  if (okLimit === undefined && failLimit === undefined) return false;
  let changed = false;
  for (const [type, limit] of [['Complete', okLimit], ['Failed', failLimit]] as const) {
    if (limit === undefined) continue;
    const jobs = owned.filter((j) => finishedType(j) === type).sort(byStartTime);
    for (const j of jobs.slice(0, Math.max(0, jobs.length - limit))) {
      if (!(await deleteJob(d, cj, j.metadata?.name ?? ''))) continue;
      if (cj.status?.active?.some((r) => r.uid === j.metadata?.uid)) {
        cj.status.active = cj.status.active.filter((r) => r.uid !== j.metadata?.uid);
        changed = true;
      }
    }
  }
  return changed;
}

/** Oldest start first; Jobs that never started last; then by name. */
function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa || !sb) return sa ? -1 : sb ? 1 : (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
  return Date.parse(sa) - Date.parse(sb) || (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}
