import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import { describe, expect, it } from 'vitest';
import { cronJobPrinter, jobCompletions, jobPrinter, jobStatus } from './batch.ts';

const now = new Date('2024-05-01T12:00:00Z');
const template = { spec: { containers: [{ name: 'pi', image: 'perl' }] } };
const job = (spec: Partial<Job['spec']>, status: Job['status'] = {}, deleted = false): Job => ({
  metadata: { name: 'pi', creationTimestamp: '2024-05-01T11:00:00Z', ...(deleted ? { deletionTimestamp: '2024-05-01T11:59:00Z' } : {}) },
  spec: { template, ...spec },
  status,
});
const cond = (type: string, status = 'True') => ({ type, status });

describe('jobStatus', () => {
  it.each([
    { name: 'running', j: job({}), want: 'Running' },
    { name: 'complete', j: job({}, { conditions: [cond('Complete')] }), want: 'Complete' },
    { name: 'failed', j: job({}, { conditions: [cond('Failed')] }), want: 'Failed' },
    { name: 'complete beats deletion', j: job({}, { conditions: [cond('Complete')] }, true), want: 'Complete' },
    { name: 'terminating', j: job({}, { conditions: [cond('Suspended')] }, true), want: 'Terminating' },
    { name: 'suspended', j: job({}, { conditions: [cond('Suspended')] }), want: 'Suspended' },
    { name: 'failure target', j: job({}, { conditions: [cond('FailureTarget')] }), want: 'FailureTarget' },
    { name: 'false conditions are ignored', j: job({}, { conditions: [cond('Complete', 'False'), cond('Suspended', 'False')] }), want: 'Running' },
  ])('$name', ({ j, want }) => expect(jobStatus(j)).toBe(want));
});

describe('jobCompletions', () => {
  it.each([
    { name: 'fixed completions', j: job({ completions: 3 }, { succeeded: 1 }), want: '1/3' },
    { name: 'work queue', j: job({ parallelism: 1 }, { succeeded: 0 }), want: '0/1' },
    { name: 'parallel work queue', j: job({ parallelism: 4 }, { succeeded: 2 }), want: '2/1 of 4' },
  ])('$name', ({ j, want }) => expect(jobCompletions(j)).toBe(want));
});

describe('jobPrinter', () => {
  it.each([
    { name: 'not started', j: job({ completions: 1 }), want: ['pi', 'Running', '0/1', '', '60m', 'pi', 'perl', '<none>'] },
    {
      name: 'still running',
      j: job({ completions: 1, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'u1' } } }, { startTime: '2024-05-01T11:57:57Z' }),
      want: ['pi', 'Running', '0/1', '2m3s', '60m', 'pi', 'perl', 'batch.kubernetes.io/controller-uid=u1'],
    },
    {
      name: 'finished',
      j: job({ completions: 1 }, { startTime: '2024-05-01T11:00:00Z', completionTime: '2024-05-01T11:00:12Z', succeeded: 1, conditions: [cond('Complete')] }),
      want: ['pi', 'Complete', '1/1', '12s', '60m', 'pi', 'perl', '<none>'],
    },
  ])('$name', ({ j, want }) => expect(jobPrinter.cells(j, now)).toEqual(want));
});

describe('cronJobPrinter', () => {
  const cj = (spec: Partial<CronJob['spec']>, status: CronJob['status'] = {}): CronJob => ({
    metadata: { name: 'hello', creationTimestamp: '2024-05-01T10:00:00Z' },
    spec: { schedule: '*/1 * * * *', jobTemplate: { spec: { template } }, ...spec },
    status,
  });
  it.each([
    { name: 'never scheduled', c: cj({ suspend: false }), want: ['hello', '*/1 * * * *', '<none>', 'False', 0, '<none>', '120m', 'pi', 'perl', '<none>'] },
    {
      name: 'active with time zone',
      c: cj({ suspend: true, timeZone: 'Etc/UTC' }, { active: [{ name: 'hello-1' }], lastScheduleTime: '2024-05-01T11:59:00Z' }),
      want: ['hello', '*/1 * * * *', 'Etc/UTC', 'True', 1, '60s', '120m', 'pi', 'perl', '<none>'],
    },
    { name: 'suspend unset', c: cj({}), want: ['hello', '*/1 * * * *', '<none>', '<unset>', 0, '<none>', '120m', 'pi', 'perl', '<none>'] },
  ])('$name', ({ c, want }) => expect(cronJobPrinter.cells(c, now)).toEqual(want));
});
