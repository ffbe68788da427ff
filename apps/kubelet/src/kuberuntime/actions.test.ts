import type { ContainerStatus, PodSandboxStatus } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { computePodActions, type PodActions, type ProbeFailures } from './actions.ts';
import { containerStatus as cs, makePod, sandboxStatus } from './testing.ts';

const a: Container = { name: 'a', image: 'busybox' };
const b: Container = { name: 'b', image: 'busybox' };
const i1: Container = { name: 'i1', image: 'busybox' };
const i2: Container = { name: 'i2', image: 'busybox' };

const pod = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always', extra: Partial<Pod['spec']> = {}) =>
  makePod({ containers: [a, b], restartPolicy, ...extra });
const withInit = (restartPolicy: 'Always' | 'OnFailure' | 'Never' = 'Always') => pod(restartPolicy, { initContainers: [i1, i2] });

const ready = sandboxStatus({ id: 'sb1', attempt: 0 });
const running = (c: Container, id = `${c.name}-1`) => cs(c, { id, state: 'CONTAINER_RUNNING' });
const exited = (c: Container, exitCode: number, id = `${c.name}-1`, createdSec = 1) => cs(c, { id, state: 'CONTAINER_EXITED', exitCode, createdSec });

const base: PodActions = {
  killPod: false,
  createSandbox: false,
  sandboxId: 'sb1',
  attempt: 0,
  nextInitContainerToStart: null,
  containersToStart: [],
  containersToKill: [],
};

interface Case {
  name: string;
  pod: Pod;
  sandboxes: PodSandboxStatus[];
  containers: ContainerStatus[];
  probes?: ProbeFailures;
  want: Partial<PodActions>;
}

const cases: Case[] = [
  {
    name: 'new pod: create the sandbox and start every container',
    pod: pod(),
    sandboxes: [],
    containers: [],
    want: { killPod: true, createSandbox: true, sandboxId: '', containersToStart: [0, 1] },
  },
  { name: 'everything running: nothing to do', pod: pod(), sandboxes: [ready], containers: [running(a), running(b)], want: {} },
  {
    name: 'one container not started yet',
    pod: pod(),
    sandboxes: [ready],
    containers: [running(a)],
    want: { containersToStart: [1] },
  },
  {
    name: 'sandbox not ready: kill and re-create with the next attempt',
    pod: pod(),
    sandboxes: [sandboxStatus({ id: 'sb1', attempt: 2, state: 'SANDBOX_NOTREADY' })],
    containers: [exited(a, 137), exited(b, 137)],
    want: { killPod: true, createSandbox: true, attempt: 3, containersToStart: [0, 1] },
  },
  {
    name: 'two ready sandboxes are reconciled through a new one',
    pod: pod(),
    sandboxes: [sandboxStatus({ id: 'old', createdSec: 1 }), sandboxStatus({ id: 'new', attempt: 1, createdSec: 2 })],
    containers: [running(a), running(b)],
    want: { killPod: true, createSandbox: true, sandboxId: 'new', attempt: 2, containersToStart: [0, 1] },
  },
  {
    name: 'network mode changed: a new sandbox, the old one not reused',
    pod: pod('Always', { hostNetwork: true }),
    sandboxes: [ready],
    containers: [running(a), running(b)],
    want: { killPod: true, createSandbox: true, sandboxId: '', attempt: 1, containersToStart: [0, 1] },
  },
  {
    name: 'pod-network sandbox without an IP is re-created',
    pod: pod(),
    sandboxes: [sandboxStatus({ id: 'sb1', ip: '' })],
    containers: [running(a), running(b)],
    want: { killPod: true, createSandbox: true, attempt: 1, containersToStart: [0, 1] },
  },
  {
    name: 'dead sandbox of a finished Never pod: only kill',
    pod: pod('Never'),
    sandboxes: [sandboxStatus({ id: 'sb1', state: 'SANDBOX_NOTREADY' })],
    containers: [exited(a, 0), exited(b, 1)],
    want: { killPod: true, createSandbox: false, attempt: 1 },
  },
  {
    name: 'dead sandbox of an OnFailure pod that succeeded: only kill',
    pod: pod('OnFailure'),
    sandboxes: [sandboxStatus({ id: 'sb1', state: 'SANDBOX_NOTREADY' })],
    containers: [exited(a, 0), exited(b, 0)],
    want: { killPod: true, createSandbox: false, attempt: 1 },
  },
  {
    name: 'dead sandbox under OnFailure restarts only the failed container',
    pod: pod('OnFailure'),
    sandboxes: [sandboxStatus({ id: 'sb1', state: 'SANDBOX_NOTREADY' })],
    containers: [exited(a, 0), exited(b, 2)],
    want: { killPod: true, createSandbox: true, attempt: 1, containersToStart: [1] },
  },
  {
    name: 'Always restarts an exited container, whatever the code',
    pod: pod('Always'),
    sandboxes: [ready],
    containers: [exited(a, 0), running(b)],
    want: { containersToStart: [0] },
  },
  {
    name: 'OnFailure restarts on a non-zero exit',
    pod: pod('OnFailure'),
    sandboxes: [ready],
    containers: [exited(a, 1), running(b)],
    want: { containersToStart: [0] },
  },
  {
    name: 'only the newest attempt counts',
    pod: pod('OnFailure'),
    sandboxes: [ready],
    containers: [exited(a, 0, 'a-2', 5), exited(a, 1, 'a-1', 1), running(b)],
    want: {},
  },
  {
    name: 'OnFailure pod whose containers all succeeded is killed',
    pod: pod('OnFailure'),
    sandboxes: [ready],
    containers: [exited(a, 0), exited(b, 0)],
    want: { killPod: true },
  },
  {
    name: 'Never does not restart, and a finished pod is killed',
    pod: pod('Never'),
    sandboxes: [ready],
    containers: [exited(a, 1), exited(b, 0)],
    want: { killPod: true },
  },
  {
    name: 'a changed definition kills and restarts even under Never',
    pod: pod('Never'),
    sandboxes: [ready],
    containers: [cs(a, { id: 'a-1', state: 'CONTAINER_RUNNING', hash: 'old' }), running(b)],
    want: {
      containersToStart: [0],
      containersToKill: [{ id: 'a-1', name: 'a', reason: '', message: 'Container a definition changed, will be restarted' }],
    },
  },
  {
    name: 'liveness failure restarts under Always',
    pod: pod('Always'),
    sandboxes: [ready],
    containers: [running(a), running(b)],
    probes: { livenessFailed: new Set(['b']) },
    want: {
      containersToStart: [1],
      containersToKill: [{ id: 'b-1', name: 'b', reason: 'LivenessProbe', message: 'Container b failed liveness probe, will be restarted' }],
    },
  },
  {
    name: 'liveness failure under Never kills without restart',
    pod: pod('Never', { containers: [a] }),
    sandboxes: [ready],
    containers: [running(a)],
    probes: { livenessFailed: new Set(['a']) },
    want: {
      killPod: true,
      containersToKill: [{ id: 'a-1', name: 'a', reason: 'LivenessProbe', message: 'Container a failed liveness probe' }],
    },
  },
  {
    name: 'startup probe failure',
    pod: pod(),
    sandboxes: [ready],
    containers: [running(a), running(b)],
    probes: { startupFailed: new Set(['a']) },
    want: {
      containersToStart: [0],
      containersToKill: [{ id: 'a-1', name: 'a', reason: 'StartupProbe', message: 'Container a failed startup probe, will be restarted' }],
    },
  },
  {
    name: 'unknown container is killed before its restart, even under Never',
    pod: pod('Never'),
    sandboxes: [ready],
    containers: [cs(a, { id: 'a-1', state: 'CONTAINER_UNKNOWN' }), running(b)],
    want: {
      containersToStart: [0],
      containersToKill: [{ id: 'a-1', name: 'a', reason: 'Unknown', message: 'Container is in "unknown" state, try killing it before restart' }],
    },
  },
  {
    name: 'created but never started is started',
    pod: pod('Never'),
    sandboxes: [ready],
    containers: [cs(a, { id: 'a-1', state: 'CONTAINER_CREATED' }), running(b)],
    want: { containersToStart: [0] },
  },
  {
    name: 'a deleted pod restarts nothing',
    pod: { ...pod(), metadata: { ...pod().metadata, deletionTimestamp: '2025-01-01T00:00:00Z' } },
    sandboxes: [ready],
    containers: [exited(a, 1), exited(b, 1)],
    want: { killPod: true },
  },
  {
    name: 'init: new pod starts the first init container only',
    pod: withInit(),
    sandboxes: [],
    containers: [],
    want: { killPod: true, createSandbox: true, sandboxId: '', nextInitContainerToStart: 0 },
  },
  { name: 'init: first one running, wait', pod: withInit(), sandboxes: [ready], containers: [running(i1)], want: {} },
  {
    name: 'init: first one done, start the second',
    pod: withInit(),
    sandboxes: [ready],
    containers: [exited(i1, 0)],
    want: { nextInitContainerToStart: 1 },
  },
  {
    name: 'init: all done, start the regular containers',
    pod: withInit(),
    sandboxes: [ready],
    containers: [exited(i1, 0), exited(i2, 0)],
    want: { containersToStart: [0, 1] },
  },
  {
    name: 'init: failed one is retried under Always',
    pod: withInit('Always'),
    sandboxes: [ready],
    containers: [exited(i1, 0), exited(i2, 3)],
    want: { nextInitContainerToStart: 1 },
  },
  {
    name: 'init: OOMKilled counts as failed even with exit 0',
    pod: withInit('OnFailure'),
    sandboxes: [ready],
    containers: [cs(i1, { id: 'i1-1', state: 'CONTAINER_EXITED', exitCode: 0, reason: 'OOMKilled' })],
    want: { nextInitContainerToStart: 0 },
  },
  {
    name: 'init: failure under Never kills the pod',
    pod: withInit('Never'),
    sandboxes: [ready],
    containers: [exited(i1, 1)],
    want: { killPod: true },
  },
  {
    name: 'init: unknown init container is killed and restarted',
    pod: withInit(),
    sandboxes: [ready],
    containers: [cs(i1, { id: 'i1-1', state: 'CONTAINER_UNKNOWN' })],
    want: {
      nextInitContainerToStart: 0,
      containersToKill: [{ id: 'i1-1', name: 'i1', reason: 'Unknown', message: 'Init container is in "unknown" state, try killing it before restart' }],
    },
  },
  {
    name: 'init: a running regular container proves init is done, even if init records are gone',
    pod: withInit(),
    sandboxes: [ready],
    containers: [running(a)],
    want: { containersToStart: [1] },
  },
  {
    name: 'init: dead sandbox after init finished re-runs init first',
    pod: withInit(),
    sandboxes: [sandboxStatus({ id: 'sb1', state: 'SANDBOX_NOTREADY' })],
    containers: [exited(i1, 0), exited(i2, 0), exited(a, 137), exited(b, 137)],
    want: { killPod: true, createSandbox: true, attempt: 1, nextInitContainerToStart: 0 },
  },
];

describe('computePodActions', () => {
  it.each(cases)('$name', ({ pod: p, sandboxes, containers, probes, want }) => {
    expect(computePodActions(p, { sandboxes, containers }, probes)).toEqual({ ...base, ...want });
  });
});
