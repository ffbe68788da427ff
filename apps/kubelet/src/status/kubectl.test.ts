// What `kubectl get pods` prints in READY / STATUS / RESTARTS for statuses computed here. The
// projection below reads exactly the fields kubectl's pod printer reads (status.reason/phase,
// initContainerStatuses, containerStatuses' state reasons, ready, started, restartCount, the
// Initialized condition), following its order of precedence; the apiserver's table printer
// does the real work in production.
import type { Pod, PodStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { computeAt, container, exited, makePod, running, type PartialInput } from './fixtures.ts';

function columns(pod: Pod, status: PodStatus): { ready: string; status: string; restarts: number } {
  const inits = pod.spec?.initContainers ?? [];
  const sidecar = (name: string) => inits.find((c) => c.name === name)?.restartPolicy === 'Always';
  let reason = status.reason || status.phase || '';
  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let initializing = false;
  for (const [i, s] of (status.initContainerStatuses ?? []).entries()) {
    restarts += s.restartCount;
    if (sidecar(s.name)) sidecarRestarts += s.restartCount;
    const t = s.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (sidecar(s.name) && s.started) {
      if (s.ready) ready++;
      continue;
    }
    if (t) reason = `Init:${t.reason || `ExitCode:${t.exitCode}`}`;
    else if (s.state?.waiting?.reason && s.state.waiting.reason !== 'PodInitializing') reason = `Init:${s.state.waiting.reason}`;
    else reason = `Init:${i}/${inits.length}`;
    initializing = true;
    break;
  }
  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True');
  if (!initializing || initialized) {
    restarts = sidecarRestarts;
    let hasRunning = false;
    for (const s of [...(status.containerStatuses ?? [])].reverse()) {
      restarts += s.restartCount;
      const t = s.state?.terminated;
      if (s.state?.waiting?.reason) reason = s.state.waiting.reason;
      else if (t) reason = t.reason || `ExitCode:${t.exitCode}`;
      else if (s.ready && s.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      reason = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }
  const total = (pod.spec?.containers ?? []).length + inits.filter((c) => c.restartPolicy === 'Always').length;
  return { ready: `${ready}/${total}`, status: reason, restarts };
}

const BACKOFF = 'back-off 20s restarting failed container=c pod=p_ns(uid-1)';
const twoInits = { initContainers: [container('init-a'), container('init-b')] };

const cases: { name: string; input: PartialInput; want: ReturnType<typeof columns> }[] = [
  { name: 'ContainerCreating', input: { pod: makePod(), sandboxes: [] }, want: { ready: '0/1', status: 'ContainerCreating', restarts: 0 } },
  {
    name: 'ImagePullBackOff',
    input: { pod: makePod(), waitingReasons: new Map([['c', { reason: 'ImagePullBackOff', message: 'Back-off pulling image "busybox"' }]]) },
    want: { ready: '0/1', status: 'ImagePullBackOff', restarts: 0 },
  },
  { name: 'Running and ready', input: { pod: makePod(), containers: [running('c', 'c1')] }, want: { ready: '1/1', status: 'Running', restarts: 0 } },
  {
    name: 'Running, readiness failing',
    input: { pod: makePod({ containers: [container('c', { readinessProbe: { exec: { command: ['false'] } } })] }), containers: [running('c', 'c1')] },
    want: { ready: '0/1', status: 'Running', restarts: 0 },
  },
  {
    name: 'CrashLoopBackOff after two failures',
    input: {
      pod: makePod(),
      containers: [exited('c', 'c0', 1, 'Error'), exited('c', 'c1', 1, 'Error', { attempt: 1 }), exited('c', 'c2', 1, 'Error', { attempt: 2 })],
      waitingReasons: new Map([['c', { reason: 'CrashLoopBackOff', message: BACKOFF }]]),
    },
    want: { ready: '0/1', status: 'CrashLoopBackOff', restarts: 2 },
  },
  { name: 'Completed', input: { pod: makePod({ restartPolicy: 'Never' }), containers: [exited('c', 'c0', 0, 'Completed')] }, want: { ready: '0/1', status: 'Completed', restarts: 0 } },
  { name: 'Error', input: { pod: makePod({ restartPolicy: 'Never' }), containers: [exited('c', 'c0', 1, 'Error')] }, want: { ready: '0/1', status: 'Error', restarts: 0 } },
  { name: 'OOMKilled', input: { pod: makePod({ restartPolicy: 'Never' }), containers: [exited('c', 'c0', 137, 'OOMKilled')] }, want: { ready: '0/1', status: 'OOMKilled', restarts: 0 } },
  { name: 'Init:0/2', input: { pod: makePod(twoInits), containers: [running('init-a', 'i0')] }, want: { ready: '0/1', status: 'Init:0/2', restarts: 0 } },
  {
    name: 'Init:1/2',
    input: { pod: makePod(twoInits), containers: [exited('init-a', 'i0', 0, 'Completed'), running('init-b', 'i1', { created: 12 })] },
    want: { ready: '0/1', status: 'Init:1/2', restarts: 0 },
  },
  {
    name: 'Init:CrashLoopBackOff',
    input: {
      pod: makePod(twoInits),
      containers: [exited('init-a', 'i0', 1, 'Error'), exited('init-a', 'i1', 1, 'Error', { attempt: 1 })],
      waitingReasons: new Map([['init-a', { reason: 'CrashLoopBackOff', message: 'back-off 10s restarting failed container=init-a pod=p_ns(uid-1)' }]]),
    },
    want: { ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: 1 },
  },
  {
    name: 'Init:Error (restartPolicy Never)',
    input: { pod: makePod({ ...twoInits, restartPolicy: 'Never' }), containers: [exited('init-a', 'i0', 1, 'Error')] },
    want: { ready: '0/1', status: 'Init:Error', restarts: 0 },
  },
  {
    name: 'PodInitializing: init done, containers not created yet',
    input: { pod: makePod(twoInits), containers: [exited('init-a', 'i0', 0, 'Completed'), exited('init-b', 'i1', 0, 'Completed', { created: 12 })] },
    want: { ready: '0/1', status: 'PodInitializing', restarts: 0 },
  },
  {
    name: 'sidecar and main ready: 2/2 Running',
    input: {
      pod: makePod({ initContainers: [container('proxy', { restartPolicy: 'Always' })] }),
      containers: [running('proxy', 's1'), running('c', 'c1', { created: 5 })],
    },
    want: { ready: '2/2', status: 'Running', restarts: 0 },
  },
];

describe('kubectl get pods columns from computed statuses', () => {
  it.each(cases)('$name', ({ input, want }) => {
    expect(columns(input.pod, computeAt(input))).toEqual(want);
  });
});
