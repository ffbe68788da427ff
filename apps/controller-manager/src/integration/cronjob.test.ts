// The CronJob controller against a real API server and etcd. Rather than wait for a minute to
// pass, the test moves status.lastScheduleTime two minutes back, so a schedule time is missed now.
import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRONJOBS } from '../controllers/cronjob/controller.ts';
import { descriptor } from '../controllers/cronjob/index.ts';
import { JOBS } from '../controllers/job/controller.ts';
import { startHarness, until, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor], kubelet: false });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

describe('cronjob controller', () => {
  it('creates the Job of a missed schedule time and records it in status', async () => {
    await h.client.create(CRONJOBS, {
      apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'tick', namespace: 'default' },
      spec: { schedule: '* * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } } },
    } satisfies CronJob, { namespace: 'default' });
    const twoMinutesAgo = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 120_000);
    await h.client.patch(CRONJOBS, 'tick', { status: { lastScheduleTime: twoMinutesAgo.toISOString().replace(/\.\d{3}Z$/, 'Z') } }, 'merge', { namespace: 'default', subresource: 'status' });
    const cj = await until(async () => {
      const x = await h.client.get<CronJob>(CRONJOBS, 'tick', 'default');
      return (x.status?.active?.length ?? 0) > 0 && x;
    }, 20_000, 'an active job');
    const name = cj.status!.active![0]!.name!;
    const scheduled = new Date(cj.status!.lastScheduleTime!);
    expect(name).toBe(`tick-${scheduled.getTime() / 60_000}`);
    expect(Date.now() - scheduled.getTime()).toBeLessThan(120_000);
    const job = await h.client.get<Job>(JOBS, name, 'default');
    expect(job.metadata?.annotations?.['batch.kubernetes.io/cronjob-scheduled-timestamp']).toBe(scheduled.toISOString().replace(/\.\d{3}Z$/, 'Z'));
    expect(job.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'tick', controller: true });
  }, 30_000);
});
