import { FakeClock, Lister, Store } from '@k8ts/client';
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { ControllerExpectations } from '../../controller/expectations.ts';
import { FakePodControl } from '../../controller/pod-control.ts';
import { BackoffStore } from './backoff.ts';
import type { JobDeps } from './ports.ts';
import { FinalizerExpectations, TRACKING_FINALIZER } from './status.ts';
import { syncJob } from './sync.ts';

const T0 = Date.UTC(2025, 0, 1);
const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
const UID = 'job-uid';

function job(spec: Partial<NonNullable<Job['spec']>> = {}, status: Job['status'] = {}): Job {
  return {
    apiVersion: 'batch/v1', kind: 'Job',
    metadata: { name: 'j', namespace: 'ns', uid: UID, resourceVersion: '1' },
    spec: {
      completions: 1, parallelism: 1, backoffLimit: 6, completionMode: 'NonIndexed',
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': UID } },
      template: { metadata: { labels: { 'batch.kubernetes.io/controller-uid': UID } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] } },
      ...spec,
    },
    status,
  };
}

function pod(name: string, phase: string, o: { finalizer?: boolean; index?: number; deleting?: boolean; ready?: boolean } = {}): Pod {
  return {
    metadata: {
      name, namespace: 'ns', uid: `uid-${name}`, creationTimestamp: at(0), resourceVersion: '1',
      labels: { 'batch.kubernetes.io/controller-uid': UID },
      ...(o.index !== undefined ? { annotations: { 'batch.kubernetes.io/job-completion-index': String(o.index) } } : {}),
      ...(o.finalizer !== false ? { finalizers: [TRACKING_FINALIZER] } : {}),
      ...(o.deleting ? { deletionTimestamp: at(1) } : {}),
      ownerReferences: [{ apiVersion: 'batch/v1', kind: 'Job', name: 'j', uid: UID, controller: true }],
    },
    spec: { containers: [{ name: 'c', image: 'i' }] },
    status: {
      phase,
      ...(o.ready ? { conditions: [{ type: 'Ready', status: 'True' }] } : {}),
      ...(phase === 'Succeeded' || phase === 'Failed'
        ? { containerStatuses: [{ name: 'c', image: 'i', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt: at(5) } } }] }
        : {}),
    },
  };
}

function setup(j: Job, pods: Pod[], nowS = 10) {
  const jobs = new Store<Job>();
  jobs.set(j);
  const podStore = new Store<Pod>();
  for (const p of pods) podStore.set(p);
  const podControl = new FakePodControl();
  const statuses: Job[] = [];
  const events: string[] = [];
  const requeues: number[] = [];
  const clock = new FakeClock(T0 + nowS * 1000);
  const deps: JobDeps = {
    jobs: new Lister(jobs), pods: new Lister(podStore), podControl, clock,
    api: {
      get: async () => j,
      updateStatus: async (x) => (statuses.push(structuredClone(x)), x),
    },
    recorder: { event: (_o, type, reason, message) => void events.push(`${type} ${reason} ${message}`) },
    expectations: new ControllerExpectations(clock),
    finalizers: new FinalizerExpectations(),
    backoff: new BackoffStore(),
    enqueueAfter: (_k, ms) => void requeues.push(ms),
    random: () => 0,
  };
  return { deps, podControl, statuses, events, requeues };
}

const conds = (j: Job | undefined) => (j?.status?.conditions ?? []).map((c) => `${c.type}=${c.status} ${c.reason}`);

describe('syncJob', () => {
  const cases: {
    name: string; job: Job; pods?: Pod[]; nowS?: number;
    creates?: number; deletes?: string[]; patched?: string[];
    status?: Record<string, unknown>; conditions?: string[]; events?: string[]; requeues?: number[];
  }[] = [
    {
      name: 'a new job creates parallelism pods carrying the tracking finalizer',
      job: job({ completions: 3, parallelism: 2 }),
      creates: 2, status: { active: 2, ready: 0, terminating: 0, startTime: at(10) }, conditions: [],
    },
    {
      name: 'never more pods than the completions still missing',
      job: job({ completions: 3, parallelism: 5 }, { succeeded: 2 }),
      creates: 1, status: { active: 1, succeeded: 2 },
    },
    {
      name: 'a succeeded pod is recorded uncounted, released, then counted',
      job: job({ completions: 3, parallelism: 1 }, { startTime: at(0) }),
      pods: [pod('a', 'Succeeded')],
      creates: 1, patched: ['a'], status: { succeeded: 1, active: 1, uncountedTerminatedPods: {} },
    },
    {
      name: 'the last success adds SuccessCriteriaMet then Complete',
      job: job({ completions: 1 }, { startTime: at(0) }),
      pods: [pod('a', 'Succeeded')],
      creates: 0, patched: ['a'], status: { succeeded: 1, active: 0, completionTime: at(10) },
      conditions: ['SuccessCriteriaMet=True CompletionsReached', 'Complete=True CompletionsReached'],
      events: ['Normal Completed Job completed'],
    },
    {
      name: 'a failure over backoffLimit fails the Job and deletes the active pods',
      job: job({ completions: 2, parallelism: 2, backoffLimit: 0 }, { startTime: at(0), active: 2 }),
      pods: [pod('a', 'Failed'), pod('b', 'Running', { ready: true })],
      creates: 0, deletes: ['b'], patched: ['a', 'b'], status: { failed: 2, active: 0, terminating: 1 },
      // b is still terminating: the terminal Failed condition waits for it.
      conditions: ['FailureTarget=True BackoffLimitExceeded'],
    },
    {
      name: 'a FailureTarget Job with nothing left becomes Failed',
      job: job({ backoffLimit: 0 }, { startTime: at(0), failed: 1, conditions: [{ type: 'FailureTarget', status: 'True', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' }] }),
      pods: [pod('a', 'Failed', { finalizer: false })],
      conditions: ['FailureTarget=True BackoffLimitExceeded', 'Failed=True BackoffLimitExceeded'],
      events: ['Warning BackoffLimitExceeded Job has reached the specified backoff limit'],
    },
    {
      name: 'past activeDeadlineSeconds the Job fails with DeadlineExceeded',
      job: job({ activeDeadlineSeconds: 5 }, { startTime: at(0), active: 1 }),
      pods: [pod('a', 'Running')],
      deletes: ['a'], conditions: ['FailureTarget=True DeadlineExceeded'],
    },
    {
      name: 'a running deadline requeues for when it runs out',
      job: job({ activeDeadlineSeconds: 60 }, { startTime: at(0), active: 1 }),
      pods: [pod('a', 'Running')], requeues: [50_000], creates: 0,
    },
    {
      name: 'a failed pod is replaced only after the 10 s back-off',
      job: job({ completions: 1 }, { startTime: at(0) }),
      pods: [pod('a', 'Failed')], nowS: 8,
      creates: 0, patched: ['a'], requeues: [7_000], status: { failed: 1, active: 0 },
    },
    {
      name: 'a suspended Job deletes its pods and says so',
      job: job({ suspend: true }, { startTime: at(0), active: 1 }),
      pods: [pod('a', 'Running')],
      deletes: ['a'], status: { active: 0, terminating: 1 },
      conditions: ['Suspended=True JobSuspended'], events: ['Normal Suspended Job suspended'],
    },
    {
      name: 'an Indexed Job creates the lowest missing indexes',
      job: job({ completions: 3, parallelism: 3, completionMode: 'Indexed' }, { completedIndexes: '1', succeeded: 1 }),
      creates: 2, status: { active: 2, succeeded: 1, completedIndexes: '1' },
    },
    {
      name: 'an Indexed Job records succeeded indexes in completedIndexes',
      job: job({ completions: 3, parallelism: 3, completionMode: 'Indexed' }, { startTime: at(0), active: 3 }),
      pods: [pod('a', 'Succeeded', { index: 0 }), pod('b', 'Succeeded', { index: 1 }), pod('c', 'Running', { index: 2 })],
      creates: 0, patched: ['a', 'b'], status: { succeeded: 2, completedIndexes: '0,1', active: 1 },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const s = setup(c.job, c.pods ?? [], c.nowS);
      await syncJob(s.deps, 'ns/j');
      const last = s.statuses.at(-1);
      if (c.creates !== undefined) expect(s.podControl.creates).toHaveLength(c.creates);
      for (const cr of s.podControl.creates) expect(cr.pod?.metadata?.finalizers).toContain(TRACKING_FINALIZER);
      if (c.deletes) expect(s.podControl.deletes.map((x) => x.name)).toEqual(c.deletes);
      if (c.patched) expect(s.podControl.calls.filter((x) => x.verb === 'patch').map((x) => x.name).sort()).toEqual(c.patched);
      if (c.status) expect(last?.status).toMatchObject(c.status);
      if (c.conditions) expect(conds(last ?? c.job)).toEqual(c.conditions);
      if (c.events) expect(s.events).toEqual(c.events);
      if (c.requeues) expect(s.requeues).toEqual(c.requeues);
    });
  }

  it('names indexed pods <job>-<index>-<suffix> with hostname, label and env', async () => {
    const s = setup(job({ completions: 2, parallelism: 2, completionMode: 'Indexed' }), []);
    await syncJob(s.deps, 'ns/j');
    const pods = s.podControl.creates.map((c) => c.pod!);
    expect(pods.map((p) => p.metadata?.name)).toEqual(['j-0-bbbbb', 'j-1-bbbbb']);
    expect(pods[1]?.spec?.hostname).toBe('j-1');
    expect(pods[1]?.metadata?.labels?.['batch.kubernetes.io/job-completion-index']).toBe('1');
    expect(pods[1]?.spec?.containers[0]?.env).toEqual([
      { name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } } },
    ]);
  });

  it('does not create again until its creations are observed', async () => {
    const s = setup(job({ completions: 3, parallelism: 2 }), []);
    await syncJob(s.deps, 'ns/j');
    await syncJob(s.deps, 'ns/j');
    expect(s.podControl.creates).toHaveLength(2);
  });
});
