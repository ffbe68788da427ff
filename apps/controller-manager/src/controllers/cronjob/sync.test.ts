import { FakeClock, Lister, Store } from '@k8ts/client';
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import { describe, expect, it } from 'vitest';
import { FakeCronJobApi, FakeRecorder } from './ports.ts';
import { mostRecentScheduleTime, parseSchedule, rfc1123z, rfc3339In } from './schedule.ts';
import { syncCronJob } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1, 10, 0, 0);
const at = (m: number, s = 0) => new Date(T0 + m * 60_000 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const MIN0 = T0 / 60_000;

function cronJob(spec: Partial<CronJob['spec']> = {}, status: CronJob['status'] = {}): CronJob {
  return {
    apiVersion: 'batch/v1', kind: 'CronJob',
    metadata: { name: 'cj', namespace: 'ns', uid: 'cj-uid', creationTimestamp: at(-10) },
    spec: {
      schedule: '* * * * *', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { labels: { app: 'x' } }, spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } } },
      ...spec,
    },
    status,
  };
}

function child(minute: number, finished?: 'Complete' | 'Failed'): Job {
  return {
    metadata: {
      name: `cj-${MIN0 + minute}`, namespace: 'ns', uid: `uid-${minute}`,
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid: 'cj-uid', controller: true }],
    },
    status: {
      startTime: at(minute),
      ...(finished ? { conditions: [{ type: finished, status: 'True' }], ...(finished === 'Complete' ? { completionTime: at(minute, 30) } : {}) } : {}),
    },
  };
}
const ref = (minute: number) => ({ kind: 'Job', namespace: 'ns', name: `cj-${MIN0 + minute}`, uid: `uid-${minute}`, apiVersion: 'batch/v1' });

function setup(cj: CronJob, jobs: Job[], nowMs: number) {
  const cjs = new Store<CronJob>();
  cjs.set(cj);
  const js = new Store<Job>();
  for (const j of jobs) js.set(j);
  const api = new FakeCronJobApi();
  for (const j of jobs) api.jobs.set(j.metadata!.name!, j);
  const recorder = new FakeRecorder();
  const deps = { cronJobs: new Lister(cjs), jobs: new Lister(js), api, recorder, clock: new FakeClock(nowMs) };
  return { deps, api, recorder };
}

describe('syncCronJob', () => {
  const cases: {
    name: string; cj: CronJob; jobs?: Job[]; now: number;
    calls: string[]; events?: string[]; status?: Record<string, unknown>; noActive?: boolean; requeue?: number;
  }[] = [
    {
      name: 'creates the Job for the schedule time just passed',
      cj: cronJob({}, { lastScheduleTime: at(-1) }), now: T0 + 5_000,
      calls: [`create cj-${MIN0}`], events: [`Normal SuccessfulCreate Created job cj-${MIN0}`],
      status: { lastScheduleTime: at(0), active: [expect.objectContaining({ name: `cj-${MIN0}`, kind: 'Job' })] },
      requeue: 55_100,
    },
    {
      name: 'waits for the next schedule time when none was missed',
      cj: cronJob({}, { lastScheduleTime: at(0) }), now: T0 + 20_000,
      calls: [], requeue: 40_100,
    },
    {
      name: 'a suspended CronJob creates nothing',
      cj: cronJob({ suspend: true }, { lastScheduleTime: at(-1) }), now: T0 + 5_000, calls: [],
    },
    {
      name: 'Forbid skips while a Job is active',
      cj: cronJob({ concurrencyPolicy: 'Forbid' }, { lastScheduleTime: at(-1), active: [ref(-1)] }), jobs: [child(-1)], now: T0 + 5_000,
      calls: [], events: ['Normal JobAlreadyActive Not starting job because prior execution is running and concurrency policy is Forbid'],
    },
    {
      name: 'Replace deletes the active Job first',
      cj: cronJob({ concurrencyPolicy: 'Replace' }, { lastScheduleTime: at(-1), active: [ref(-1)] }), jobs: [child(-1)], now: T0 + 5_000,
      calls: [`delete cj-${MIN0 - 1}`, `create cj-${MIN0}`],
      events: [`Normal SuccessfulDelete Deleted job cj-${MIN0 - 1}`, `Normal SuccessfulCreate Created job cj-${MIN0}`],
    },
    {
      // The search starts at now − startingDeadlineSeconds, so a time older than that is never started.
      name: 'past startingDeadlineSeconds a schedule time is skipped',
      cj: cronJob({ schedule: '0 * * * *', startingDeadlineSeconds: 10 }, { lastScheduleTime: at(-60) }), now: T0 + 30_000,
      calls: [], events: [], requeue: 3_600_000 - 30_000 + 100,
    },
    {
      name: 'a finished active Job leaves the active list and sets lastSuccessfulTime',
      cj: cronJob({}, { lastScheduleTime: at(0), active: [ref(0)] }), jobs: [child(0, 'Complete')], now: T0 + 40_000,
      calls: [], events: [`Normal SawCompletedJob Saw completed job: cj-${MIN0}, condition: Complete`],
      status: { lastSuccessfulTime: at(0, 30) }, noActive: true,
    },
    {
      name: 'an active Job that is gone is dropped',
      cj: cronJob({}, { lastScheduleTime: at(0), active: [ref(0)] }), now: T0 + 40_000,
      calls: [], events: [`Normal MissingJob Active job went missing: cj-${MIN0}`],
    },
    {
      name: 'history limits delete the oldest finished Jobs',
      cj: cronJob({ successfulJobsHistoryLimit: 1, failedJobsHistoryLimit: 0 }, { lastScheduleTime: at(0) }),
      jobs: [child(-3, 'Complete'), child(-2, 'Complete'), child(-1, 'Failed')], now: T0 + 40_000,
      calls: [`delete cj-${MIN0 - 3}`, `delete cj-${MIN0 - 1}`],
    },
    {
      name: 'an unparseable schedule is reported and not retried',
      cj: cronJob({ schedule: '61 * * * *' }), now: T0, calls: [],
      events: ['Warning UnparseableSchedule unparseable schedule: "61 * * * *" : Constraint error, got value 61 expected range 0-59'],
    },
    {
      name: 'an unknown time zone is reported',
      cj: cronJob({ timeZone: 'Mars/Base' }), now: T0, calls: [],
      events: ['Warning UnknownTimeZone invalid timeZone: "Mars/Base": unknown time zone Mars/Base'],
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = setup(c.cj, c.jobs ?? [], c.now);
      const requeue = await syncCronJob(s.deps, 'ns/cj');
      expect(s.api.calls).toEqual(c.calls);
      if (c.events) expect(s.recorder.events).toEqual(c.events);
      if (c.status) expect(s.api.statuses.at(-1)?.status).toMatchObject(c.status);
      if (c.noActive) expect(s.api.statuses.at(-1)?.status?.active).toBeUndefined();
      if (c.requeue !== undefined) expect(requeue).toBe(c.requeue);
    });
  }

  it('builds the Job from the template with the scheduled-time annotation and a controller ref', async () => {
    const s = setup(cronJob({ timeZone: 'America/New_York' }, { lastScheduleTime: at(-1) }), [], T0 + 1000);
    await syncCronJob(s.deps, 'ns/cj');
    const job = s.api.jobs.get(`cj-${MIN0}`)!;
    expect(job.metadata).toMatchObject({
      labels: { app: 'x' },
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': '2025-01-01T05:00:00-05:00' },
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'cj', uid: 'cj-uid', controller: true, blockOwnerDeletion: true }],
    });
  });
});

describe('schedule', () => {
  const cases: { name: string; schedule: string; tz?: string; from: string; now: string; want?: string; tooMany?: boolean }[] = [
    { name: 'every minute, one missed', schedule: '* * * * *', from: '2025-01-01T10:00:00Z', now: '2025-01-01T10:01:30Z', want: '2025-01-01T10:01:00.000Z' },
    { name: 'none missed', schedule: '*/5 * * * *', from: '2025-01-01T10:00:00Z', now: '2025-01-01T10:04:59Z' },
    { name: 'many missed jumps to the newest', schedule: '*/5 * * * *', from: '2025-01-01T00:00:00Z', now: '2025-01-01T10:07:00Z', want: '2025-01-01T10:05:00.000Z', tooMany: true },
    { name: 'uneven months', schedule: '0 0 1 * *', from: '2025-01-01T00:00:00Z', now: '2025-07-15T00:00:00Z', want: '2025-07-01T00:00:00.000Z' },
    { name: '@hourly', schedule: '@hourly', from: '2025-01-01T00:00:00Z', now: '2025-01-01T02:30:00Z', want: '2025-01-01T02:00:00.000Z' },
    { name: 'in a time zone', schedule: '0 9 * * *', tz: 'America/New_York', from: '2025-01-01T00:00:00Z', now: '2025-01-01T15:00:00Z', want: '2025-01-01T14:00:00.000Z' },
    { name: 'a CRON_TZ prefix', schedule: 'CRON_TZ=Asia/Tokyo 0 9 * * *', from: '2024-12-31T23:00:00Z', now: '2025-01-01T01:00:00Z', want: '2025-01-01T00:00:00.000Z' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = mostRecentScheduleTime(new Date(c.from), undefined, new Date(c.now), parseSchedule(c.schedule, c.tz), false);
      expect(r.mostRecent?.toISOString()).toBe(c.want);
      expect(r.tooManyMissed).toBe(c.tooMany ?? false);
    });
  }

  it('refuses six fields and unknown descriptors', () => {
    expect(() => parseSchedule('0 * * * * *')).toThrow('expected exactly 5 fields, found 6: 0 * * * * *');
    expect(() => parseSchedule('@every 1h')).toThrow('unrecognized descriptor: @every 1h');
  });

  it('formats times as Go does', () => {
    expect(rfc3339In(new Date('2025-07-01T12:00:00Z'), 'Europe/Paris')).toBe('2025-07-01T14:00:00+02:00');
    expect(rfc3339In(new Date('2025-07-01T12:00:00Z'), 'UTC')).toBe('2025-07-01T12:00:00Z');
    expect(rfc1123z(new Date('2025-01-01T00:00:00Z'))).toBe('Wed, 01 Jan 2025 00:00:00 +0000');
  });
});
