// The Job controller against a real API server and etcd. The test plays kubelet for Job pods:
// it finishes each new pod by patching pods/status (Succeeded with exit 0, or Failed with exit 1).
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../controllers/job/controller.ts';
import { descriptor } from '../controllers/job/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness({ descriptors: [descriptor], kubelet: false });
}, 60_000);

afterAll(async () => {
  await h?.stop();
});

const newJob = (name: string, spec: Partial<NonNullable<Job['spec']>>): Job => ({
  apiVersion: 'batch/v1', kind: 'Job',
  metadata: { name, namespace: 'default' },
  spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } }, ...spec },
});

const podsOf = async (job: string) =>
  (await h.client.list<Pod>(PODS, { namespace: 'default', labelSelector: `batch.kubernetes.io/job-name=${job}` })).items;

/** Finishes every running pod of `job` with `exitCode`; returns how many it finished. */
async function finishPods(job: string, exitCode: number): Promise<number> {
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  let n = 0;
  for (const p of await podsOf(job)) {
    if (p.status?.phase === 'Succeeded' || p.status?.phase === 'Failed' || p.metadata?.deletionTimestamp) continue;
    await h.client.patch(PODS, p.metadata!.name!, {
      status: {
        phase: exitCode === 0 ? 'Succeeded' : 'Failed',
        containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error', startedAt: now, finishedAt: now } } }],
      },
    }, 'merge', { namespace: 'default', subresource: 'status' });
    n++;
  }
  return n;
}

const condition = (job: Job, type: string) => job.status?.conditions?.find((c) => c.type === type && c.status === 'True');

describe('job controller', () => {
  it('runs completions 3 with parallelism 2 to Complete', async () => {
    await h.client.create(JOBS, newJob('three', { completions: 3, parallelism: 2 }), { namespace: 'default' });
    let maxActive = 0;
    const done = await until(async () => {
      const pods = await podsOf('three');
      maxActive = Math.max(maxActive, pods.filter((p) => !p.status?.phase || p.status.phase === 'Pending').length);
      await finishPods('three', 0);
      const job = await h.client.get<Job>(JOBS, 'three', 'default');
      return condition(job, 'Complete') && job;
    }, 30_000, 'job three to complete');
    expect(maxActive).toBeLessThanOrEqual(2);
    expect(done.status).toMatchObject({ succeeded: 3, active: 0, ready: 0, terminating: 0 });
    expect(done.status?.completionTime).toBeTruthy();
    expect(condition(done, 'SuccessCriteriaMet')).toMatchObject({ reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' });
    expect(condition(done, 'Complete')).toMatchObject({ reason: 'CompletionsReached' });
    const pods = await podsOf('three');
    expect(pods).toHaveLength(3);
    for (const p of pods) {
      expect(p.metadata?.finalizers ?? []).not.toContain('batch.kubernetes.io/job-tracking');
      expect(p.metadata?.labels).toMatchObject({ 'batch.kubernetes.io/job-name': 'three', 'job-name': 'three' });
    }
  }, 40_000);

  it('fails a Job whose pods fail past backoffLimit', async () => {
    // Each failure delays the next pod by 10 s doubling; a limit of 0 fails on the first failure.
    await h.client.create(JOBS, newJob('failing', { backoffLimit: 0 }), { namespace: 'default' });
    const failed = await until(async () => {
      await finishPods('failing', 1);
      const job = await h.client.get<Job>(JOBS, 'failing', 'default');
      return condition(job, 'Failed') && job;
    }, 30_000, 'job failing to fail');
    expect(condition(failed, 'FailureTarget')).toMatchObject({ reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' });
    expect(condition(failed, 'Failed')).toMatchObject({ reason: 'BackoffLimitExceeded' });
    expect(failed.status).toMatchObject({ failed: 1, active: 0 });
  }, 40_000);

  it('runs an Indexed Job with one pod per index', async () => {
    await h.client.create(JOBS, newJob('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }), { namespace: 'default' });
    const pods = await until(async () => {
      const ps = await podsOf('idx');
      return ps.length === 3 && ps;
    }, 20_000, 'three indexed pods');
    const indexes = pods.map((p) => p.metadata?.annotations?.['batch.kubernetes.io/job-completion-index']).sort();
    expect(indexes).toEqual(['0', '1', '2']);
    for (const p of pods) {
      const ix = p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'];
      expect(p.spec?.hostname).toBe(`idx-${ix}`);
      expect(p.metadata?.name).toMatch(new RegExp(`^idx-${ix}-[a-z0-9]{5}$`));
    }
    const done = await until(async () => {
      await finishPods('idx', 0);
      const job = await h.client.get<Job>(JOBS, 'idx', 'default');
      return condition(job, 'Complete') && job;
    }, 30_000, 'idx to complete');
    expect(done.status).toMatchObject({ succeeded: 3, completedIndexes: '0-2' });
  }, 40_000);
});
