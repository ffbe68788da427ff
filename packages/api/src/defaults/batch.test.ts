import { describe, expect, it } from 'vitest';
import { applyDefaults } from './index.ts';

const template = (labels?: Record<string, string>) => ({
  ...(labels ? { metadata: { labels } } : {}),
  spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] },
});

describe('Job defaults', () => {
  const cases: { name: string; job: Record<string, any>; want: Record<string, unknown>; absent?: string[]; labels?: Record<string, string> }[] = [
    {
      name: 'a plain job',
      job: { metadata: { name: 'j' }, spec: { template: template() } },
      want: { completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed', suspend: false, podReplacementPolicy: 'TerminatingOrFailed' },
    },
    {
      name: 'parallelism alone leaves completions unset',
      job: { metadata: { name: 'j' }, spec: { parallelism: 3, template: template() } },
      want: { parallelism: 3 },
      absent: ['completions'],
    },
    {
      name: 'completions alone gets parallelism 1',
      job: { metadata: { name: 'j' }, spec: { completions: 5, template: template() } },
      want: { completions: 5, parallelism: 1 },
    },
    {
      name: 'per-index backoff lifts the global limit',
      job: { metadata: { name: 'j' }, spec: { completionMode: 'Indexed', completions: 2, backoffLimitPerIndex: 1, template: template() } },
      want: { backoffLimit: 2147483647, completionMode: 'Indexed' },
    },
    {
      name: 'a pod failure policy replaces only failed pods',
      job: {
        metadata: { name: 'j' },
        spec: { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] }, template: template() },
      },
      want: {
        podReplacementPolicy: 'Failed',
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
      },
    },
    {
      name: 'template labels become job labels',
      job: { metadata: { name: 'j' }, spec: { template: template({ app: 'x' }) } },
      want: {},
      labels: { app: 'x' },
    },
    {
      name: 'own labels win',
      job: { metadata: { name: 'j', labels: { mine: 'y' } }, spec: { template: template({ app: 'x' }) } },
      want: {},
      labels: { mine: 'y' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      applyDefaults('Job', c.job);
      expect(c.job['spec']).toMatchObject(c.want);
      for (const field of c.absent ?? []) expect(c.job['spec']).not.toHaveProperty(field);
      if (c.labels) expect(c.job['metadata'].labels).toEqual(c.labels);
      expect(c.job['spec'].template.spec).toMatchObject({ restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', terminationGracePeriodSeconds: 30 });
      expect(c.job['spec'].template.spec).not.toHaveProperty('tolerations');
    });
  }
});

describe('CronJob defaults', () => {
  it('fills the schedule policy and only the pod template of the job template', () => {
    const cj: Record<string, any> = { metadata: { name: 'c' }, spec: { schedule: '* * * * *', jobTemplate: { spec: { template: template() } } } };
    applyDefaults('CronJob', cj);
    expect(cj['spec']).toMatchObject({ concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
    expect(cj['spec'].jobTemplate.spec).not.toHaveProperty('backoffLimit');
    expect(cj['spec'].jobTemplate.spec.template.spec.containers[0]).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePolicy: 'File' });
  });

  it('keeps explicit values', () => {
    const cj: Record<string, any> = { spec: { concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0, jobTemplate: { spec: { template: template() } } } };
    applyDefaults('CronJob', cj);
    expect(cj['spec']).toMatchObject({ concurrencyPolicy: 'Forbid', suspend: true, successfulJobsHistoryLimit: 0, failedJobsHistoryLimit: 0 });
  });
});
