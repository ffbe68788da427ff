import { describe, expect, it } from 'vitest';
import {
  BACKOFF, CONDITIONS_RUNNING, NOW, at, attempt, computeAt, container, exited, makePod, notReady, readiness, running, sandbox,
  waiting, type StatusCase,
} from './fixtures.ts';

const cases: StatusCase[] = [
  {
    name: 'no sandbox yet: ContainerCreating, not ready to start containers',
    input: { pod: makePod(), sandboxes: [] },
    want: {
      phase: 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'False' },
        { type: 'Initialized', status: 'True' },
        ...notReady('c'),
        { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
      ],
      hostIP: '192.168.1.10', hostIPs: [{ ip: '192.168.1.10' }],
      startTime: at(NOW),
      containerStatuses: [{
        name: 'c', state: { waiting: { reason: 'ContainerCreating' } }, lastState: {}, ready: false, restartCount: 0,
        image: 'busybox', imageID: '', started: false,
      }],
      qosClass: 'BestEffort',
    },
  },
  {
    name: 'pending with image pull back-off',
    input: {
      pod: makePod({ containers: [container('c', { image: 'nope:1' })] }),
      waitingReasons: waiting({ c: ['ImagePullBackOff', 'Back-off pulling image "nope:1"'] }),
    },
    want: {
      phase: 'Pending',
      podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }],
      containerStatuses: [{
        name: 'c', image: 'nope:1', imageID: '', ready: false, restartCount: 0, started: false,
        state: { waiting: { reason: 'ImagePullBackOff', message: 'Back-off pulling image "nope:1"' } },
      }],
    },
  },
  {
    name: 'CreateContainerConfigError keeps the pod pending',
    input: { pod: makePod(), waitingReasons: waiting({ c: ['CreateContainerConfigError', 'configmap "x" not found'] }) },
    want: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'CreateContainerConfigError', message: 'configmap "x" not found' } } }] },
  },
  {
    name: 'running and ready',
    input: { pod: makePod(), containers: [running('c', 'c1')] },
    want: {
      phase: 'Running',
      conditions: CONDITIONS_RUNNING,
      podIP: '10.244.1.5',
      containerStatuses: [{
        name: 'c', state: { running: { startedAt: at(3) } }, lastState: {}, ready: true, started: true, restartCount: 0,
        image: 'docker.io/library/busybox:latest', imageID: 'docker.io/library/busybox@sha256:aaaa', containerID: 'containerd://c1',
      }],
    },
  },
  {
    name: 'restarted after error: CrashLoopBackOff, lastState Error, restartCount 1',
    input: {
      pod: makePod(),
      containers: [exited('c', 'c0', 1, 'Error'), exited('c', 'c1', 1, 'Error', { attempt: 1 })],
      waitingReasons: waiting({ c: ['CrashLoopBackOff', BACKOFF] }),
    },
    want: {
      phase: 'Running',
      containerStatuses: [{
        name: 'c', ready: false, started: false, restartCount: 1, containerID: 'containerd://c1',
        state: { waiting: { reason: 'CrashLoopBackOff', message: BACKOFF } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', startedAt: at(13), finishedAt: at(17), containerID: 'containerd://c1' } },
      }],
    },
  },
  {
    name: 'running again after a restart: lastState is the previous attempt',
    input: { pod: makePod(), containers: [running('c', 'c1', { attempt: 1 }), exited('c', 'c0', 2, 'Error')] },
    want: {
      phase: 'Running', conditions: CONDITIONS_RUNNING,
      containerStatuses: [{
        restartCount: 1, ready: true, containerID: 'containerd://c1', state: { running: { startedAt: at(13) } },
        lastState: { terminated: { exitCode: 2, reason: 'Error', containerID: 'containerd://c0' } },
      }],
    },
  },
  {
    name: 'OOMKilled with restartPolicy Never: Failed',
    input: { pod: makePod({ restartPolicy: 'Never' }), containers: [exited('c', 'c0', 137, 'OOMKilled')] },
    want: {
      phase: 'Failed',
      conditions: [{}, { type: 'Initialized', status: 'True' }, ...readiness('False', 'PodFailed'), {}],
      containerStatuses: [{ state: { terminated: { exitCode: 137, reason: 'OOMKilled' } }, ready: false, restartCount: 0 }],
    },
  },
  {
    name: 'OOMKilled with restartPolicy Always: back-off shows, phase Running',
    input: {
      pod: makePod(),
      containers: [exited('c', 'c0', 137, 'OOMKilled')],
      waitingReasons: waiting({ c: ['CrashLoopBackOff', BACKOFF] }),
    },
    want: {
      phase: 'Running',
      containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 137, reason: 'OOMKilled' } } }],
    },
  },
  {
    name: 'Job-like pod Succeeded (Never, exit 0)',
    input: { pod: makePod({ restartPolicy: 'Never' }), containers: [exited('c', 'c0', 0, 'Completed')] },
    want: {
      phase: 'Succeeded',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True' },
        { type: 'Initialized', status: 'True', reason: 'PodCompleted' },
        ...readiness('False', 'PodCompleted'),
        { type: 'PodScheduled', status: 'True' },
      ],
      containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed', finishedAt: at(7) } }, ready: false, started: false }],
    },
  },
  {
    name: 'Job-like pod Failed (Never, exit 1) with its termination message',
    input: {
      pod: makePod({ restartPolicy: 'Never' }),
      containers: [exited('c', 'c0', 1, 'Error')],
      terminationMessages: new Map([['c0', 'disk full']]),
    },
    want: { phase: 'Failed', containerStatuses: [{ state: { terminated: { exitCode: 1, reason: 'Error', message: 'disk full' } } }] },
  },
  {
    name: 'OnFailure: a failed container restarts, the pod keeps Running',
    input: {
      pod: makePod({ restartPolicy: 'OnFailure' }),
      containers: [exited('c', 'c0', 1, 'Error')],
      waitingReasons: waiting({ c: ['CrashLoopBackOff', BACKOFF] }),
    },
    want: { phase: 'Running', containerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] },
  },
  {
    name: 'OnFailure: exit 0 completes the pod and ignores any stale waiting reason',
    input: {
      pod: makePod({ restartPolicy: 'OnFailure' }),
      containers: [exited('c', 'c0', 0, 'Completed')],
      waitingReasons: waiting({ c: ['CrashLoopBackOff', BACKOFF] }),
    },
    want: { phase: 'Succeeded', containerStatuses: [{ state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
  },
  {
    name: 'Always, every container exited, pod terminal (deleted): phase from exit codes',
    input: { pod: makePod(), containers: [exited('c', 'c0', 143, 'Error')], podIsTerminal: true },
    want: { phase: 'Failed' },
  },
  {
    name: 'init containers in progress: second one running',
    input: {
      pod: makePod({ initContainers: [container('init-a'), container('init-b')] }),
      containers: [exited('init-a', 'i0', 0, 'Completed'), running('init-b', 'i1', { created: 12 })],
    },
    want: {
      phase: 'Pending',
      conditions: [
        { type: 'PodReadyToStartContainers', status: 'True' },
        { type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized', message: 'containers with incomplete status: [init-b]' },
        ...notReady('c'),
        { type: 'PodScheduled', status: 'True' },
      ],
      initContainerStatuses: [
        { name: 'init-a', ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'init-b', ready: false, started: true, state: { running: { startedAt: at(13) } } },
      ],
      containerStatuses: [{ name: 'c', state: { waiting: { reason: 'PodInitializing' } }, ready: false }],
    },
  },
  {
    name: 'init containers not started: unknown and default waiting',
    input: { pod: makePod({ initContainers: [container('init-a'), container('init-b')] }) },
    want: {
      phase: 'Pending',
      conditions: [{}, { type: 'Initialized', status: 'False', message: 'containers with incomplete status: [init-a init-b]' }, {}, {}, {}],
      initContainerStatuses: [{ name: 'init-a', state: { waiting: { reason: 'PodInitializing' } } }, { name: 'init-b' }],
    },
  },
  {
    name: 'init container failed, restartPolicy Never: Failed',
    input: { pod: makePod({ restartPolicy: 'Never', initContainers: [container('init-a')] }), containers: [exited('init-a', 'i0', 1, 'Error')] },
    want: {
      phase: 'Failed',
      initContainerStatuses: [{ state: { terminated: { exitCode: 1, reason: 'Error' } }, ready: false }],
      containerStatuses: [{ state: { waiting: { reason: 'PodInitializing' } } }],
    },
  },
  {
    name: 'init container failed, restartPolicy Always: back-off, Pending',
    input: {
      pod: makePod({ initContainers: [container('init-a')] }),
      containers: [exited('init-a', 'i0', 1, 'Error')],
      waitingReasons: waiting({ 'init-a': ['CrashLoopBackOff', 'back-off 10s restarting failed container=init-a pod=p_ns(uid-1)'] }),
    },
    want: {
      phase: 'Pending',
      initContainerStatuses: [{ state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1, reason: 'Error' } } }],
    },
  },
  {
    name: 'init containers done and removed by GC: treated as completed',
    input: { pod: makePod({ initContainers: [container('init-a')] }), containers: [running('c', 'c1')] },
    want: {
      phase: 'Running',
      initContainerStatuses: [{
        name: 'init-a', ready: true,
        state: { terminated: { exitCode: 0, reason: 'Completed', message: 'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally' } },
      }],
      containerStatuses: [{ ready: true }],
    },
  },
  {
    name: 'sidecar (restartPolicy Always init container) started, main running: Running and Ready',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always' })] }),
      containers: [running('proxy', 's1', { created: 2 }), running('c', 'c1', { created: 5 })],
    },
    want: {
      phase: 'Running',
      conditions: CONDITIONS_RUNNING,
      initContainerStatuses: [{ name: 'proxy', started: true, ready: true, state: { running: {} } }],
      containerStatuses: [{ name: 'c', ready: true }],
    },
  },
  {
    name: 'sidecar not started yet (startup probe pending): Pending, initialisation incomplete',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } })] }),
      containers: [running('proxy', 's1')],
    },
    want: {
      phase: 'Pending',
      conditions: [
        {}, { type: 'Initialized', status: 'False', message: 'containers with incomplete status: [proxy]' },
        ...readiness('False', 'ContainersNotReady', 'containers with unready status: [proxy c]'), {},
      ],
      initContainerStatuses: [{ started: false, ready: false }],
    },
  },
  {
    name: 'sidecar unready counts against ContainersReady',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always', readinessProbe: { exec: { command: ['true'] } } })] }),
      containers: [running('proxy', 's1'), running('c', 'c1', { created: 5 })],
    },
    want: { phase: 'Running', conditions: [{}, { type: 'Initialized', status: 'True' }, ...notReady('proxy'), {}] },
  },
  {
    name: 'sidecar restarting (not started) in the same sandbox as the main container: stays Running',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } })] }),
      containers: [exited('proxy', 's1', 1, 'Error'), running('proxy', 's2', { attempt: 1, created: 30 }), running('c', 'c1', { created: 5 })],
    },
    want: { phase: 'Running', initContainerStatuses: [{ started: false, restartCount: 1 }] },
  },
  {
    name: 'new sandbox, sidecar not started, main container only in the old sandbox: Pending again',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always', startupProbe: { exec: { command: ['true'] } } })] }),
      sandboxes: [sandbox({ id: 'old', created: 1, state: 'SANDBOX_NOTREADY' }), sandbox({ id: 'new', created: 40 })],
      containers: [exited('c', 'c1', 137, 'Error', { created: 5 }), running('proxy', 's2', { attempt: 1, created: 41 })],
    },
    want: { phase: 'Pending' },
  },
  {
    name: 'terminal phase in the API is kept though the runtime lost the containers',
    input: {
      pod: makePod({ restartPolicy: 'Never' }, { status: { phase: 'Succeeded', reason: 'Done' } }),
      sandboxes: [],
    },
    want: { phase: 'Succeeded', reason: 'Done' },
  },
  {
    name: 'terminal phase this kubelet computed before is kept',
    input: { pod: makePod(), containers: [running('c', 'c1')], previous: { phase: 'Failed', message: 'deadline' } },
    want: { phase: 'Failed', message: 'deadline' },
  },
  {
    name: 'a running container vanished: lastState ContainerStatusUnknown, restartCount + 1',
    input: {
      pod: makePod(),
      previous: {
        phase: 'Running',
        containerStatuses: [{ name: 'c', image: 'busybox', imageID: 'x', ready: true, restartCount: 2, state: { running: { startedAt: at(3) } } }],
      },
    },
    want: {
      containerStatuses: [{
        restartCount: 3, state: { waiting: { reason: 'ContainerCreating' } },
        lastState: { terminated: { exitCode: 137, reason: 'ContainerStatusUnknown', message: 'The container could not be located when the pod was deleted.  The container used to be Running' } },
      }],
    },
  },
  {
    name: 'container created but not started yet: waiting without reason',
    input: { pod: makePod(), containers: [attempt('c', { id: 'c1', state: 'CONTAINER_CREATED' })] },
    want: { phase: 'Pending', containerStatuses: [{ state: { waiting: {} }, containerID: 'containerd://c1', started: false }] },
  },
  {
    name: 'statuses sorted by name, init statuses in spec order',
    input: {
      pod: makePod({ containers: [container('zeta'), container('alpha')], initContainers: [container('z-init'), container('a-init')] }),
      containers: [exited('z-init', 'i0', 0, 'Completed'), exited('a-init', 'i1', 0, 'Completed', { created: 12 })],
    },
    want: { initContainerStatuses: [{ name: 'z-init' }, { name: 'a-init' }], containerStatuses: [{ name: 'alpha' }, { name: 'zeta' }] },
  },
];

describe('computePodStatus', () => {
  it.each(cases)('$name', ({ input, want }) => {
    expect(computeAt(input)).toMatchObject(want);
  });

  it('serialises fields in the API order', () => {
    const s = computeAt({ pod: makePod({ initContainers: [container('i')] }) });
    expect(Object.keys(s)).toEqual(['phase', 'conditions', 'hostIP', 'hostIPs', 'podIP', 'podIPs', 'startTime', 'initContainerStatuses', 'containerStatuses', 'qosClass']);
  });

  it('does not change its input', () => {
    const pod = makePod();
    const before = structuredClone(pod);
    computeAt({ pod, containers: [running('c', 'c1')] });
    expect(pod).toEqual(before);
  });
});
