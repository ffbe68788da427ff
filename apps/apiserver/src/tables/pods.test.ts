import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { podPrinter, summarizePod } from './pods.ts';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const MIN = 60_000;

const running = (name: string, ready = true, restartCount = 0): ContainerStatus => ({
  name, image: 'x', imageID: '', ready, restartCount, state: { running: { startedAt: ago(MIN) } },
});
const waiting = (name: string, reason: string, restartCount = 0): ContainerStatus => ({
  name, image: 'x', imageID: '', ready: false, restartCount, state: { waiting: { reason } },
});
const terminated = (name: string, exitCode: number, reason?: string, signal?: number): ContainerStatus => ({
  name, image: 'x', imageID: '', ready: false, restartCount: 0, state: { terminated: { exitCode, reason, signal } },
});

function pod(p: { containers?: string[]; inits?: { name: string; restartPolicy?: string }[]; status?: Pod['status']; deleted?: boolean }): Pod {
  return {
    metadata: { name: 'p', creationTimestamp: ago(3 * MIN), ...(p.deleted ? { deletionTimestamp: ago(MIN) } : {}) },
    spec: {
      containers: (p.containers ?? ['c']).map((name) => ({ name, image: 'x' })),
      initContainers: p.inits?.map((c) => ({ image: 'x', ...c })),
    },
    status: p.status ?? {},
  };
}

const initialized = { type: 'Initialized', status: 'True' };

describe('summarizePod', () => {
  const cases: { name: string; pod: Pod; ready: string; status: string; restarts: string }[] = [
    { name: 'pending without statuses', pod: pod({ status: { phase: 'Pending' } }), ready: '0/1', status: 'Pending', restarts: '0' },
    {
      name: 'running, one of two ready',
      pod: pod({ containers: ['a', 'b'], status: { phase: 'Running', containerStatuses: [running('a', true, 3), running('b', false)] } }),
      ready: '1/2', status: 'Running', restarts: '3',
    },
    {
      name: 'restarts show the time since the last termination',
      pod: pod({
        containers: ['a', 'b'],
        status: {
          phase: 'Running',
          containerStatuses: [
            { ...running('a', true, 2), lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } } },
            { ...running('b', true, 3), lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } } },
          ],
        },
      }),
      ready: '2/2', status: 'Running', restarts: '5 (5m ago)',
    },
    {
      name: 'CrashLoopBackOff',
      pod: pod({ status: { phase: 'Running', containerStatuses: [waiting('c', 'CrashLoopBackOff', 4)] } }),
      ready: '0/1', status: 'CrashLoopBackOff', restarts: '4',
    },
    { name: 'ContainerCreating', pod: pod({ status: { phase: 'Pending', containerStatuses: [waiting('c', 'ContainerCreating')] } }), ready: '0/1', status: 'ContainerCreating', restarts: '0' },
    { name: 'Completed', pod: pod({ status: { phase: 'Succeeded', containerStatuses: [terminated('c', 0, 'Completed')] } }), ready: '0/1', status: 'Completed', restarts: '0' },
    { name: 'Error', pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('c', 1, 'Error')] } }), ready: '0/1', status: 'Error', restarts: '0' },
    { name: 'terminated without reason: exit code', pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('c', 137)] } }), ready: '0/1', status: 'ExitCode:137', restarts: '0' },
    { name: 'terminated without reason: signal', pod: pod({ status: { phase: 'Failed', containerStatuses: [terminated('c', 137, undefined, 9)] } }), ready: '0/1', status: 'Signal:9', restarts: '0' },
    {
      name: 'Completed container beside a running one, pod Ready',
      pod: pod({
        containers: ['a', 'b'],
        status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }], containerStatuses: [running('a'), terminated('b', 0, 'Completed')] },
      }),
      ready: '1/2', status: 'Running', restarts: '0',
    },
    {
      name: 'Completed container beside a running one, pod not Ready',
      pod: pod({ containers: ['a', 'b'], status: { phase: 'Running', containerStatuses: [running('a'), terminated('b', 0, 'Completed')] } }),
      ready: '1/2', status: 'NotReady', restarts: '0',
    },
    {
      name: 'first init container running',
      pod: pod({ inits: [{ name: 'i1' }, { name: 'i2' }], status: { phase: 'Pending', initContainerStatuses: [running('i1', false)] } }),
      ready: '0/1', status: 'Init:0/2', restarts: '0',
    },
    {
      name: 'second init container starting',
      pod: pod({
        inits: [{ name: 'i1' }, { name: 'i2' }],
        status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed'), waiting('i2', 'PodInitializing')], containerStatuses: [waiting('c', 'PodInitializing')] },
      }),
      ready: '0/1', status: 'Init:1/2', restarts: '0',
    },
    {
      name: 'init container crash looping counts its restarts',
      pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [waiting('i1', 'CrashLoopBackOff', 4)] } }),
      ready: '0/1', status: 'Init:CrashLoopBackOff', restarts: '4',
    },
    { name: 'init container failed', pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 1, 'Error')] } }), ready: '0/1', status: 'Init:Error', restarts: '0' },
    { name: 'init container exit code', pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 3)] } }), ready: '0/1', status: 'Init:ExitCode:3', restarts: '0' },
    { name: 'init container signal', pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 137, undefined, 9)] } }), ready: '0/1', status: 'Init:Signal:9', restarts: '0' },
    {
      name: 'PodInitializing once init containers are done',
      pod: pod({ inits: [{ name: 'i1' }], status: { phase: 'Pending', initContainerStatuses: [terminated('i1', 0, 'Completed')], containerStatuses: [waiting('c', 'PodInitializing')] } }),
      ready: '0/1', status: 'PodInitializing', restarts: '0',
    },
    {
      name: 'sidecar counts toward READY and its restarts stay',
      pod: pod({
        inits: [{ name: 's', restartPolicy: 'Always' }],
        status: {
          phase: 'Running',
          conditions: [initialized],
          initContainerStatuses: [{ ...running('s', true, 2), started: true }],
          containerStatuses: [running('c')],
        },
      }),
      ready: '2/2', status: 'Running', restarts: '2',
    },
    {
      name: 'regular init restarts are dropped once initialised',
      pod: pod({
        inits: [{ name: 'i1' }],
        status: { phase: 'Running', conditions: [initialized], initContainerStatuses: [{ ...terminated('i1', 0, 'Completed'), restartCount: 3 }], containerStatuses: [running('c')] },
      }),
      ready: '1/1', status: 'Running', restarts: '0',
    },
    { name: 'Terminating', pod: pod({ deleted: true, status: { phase: 'Running', containerStatuses: [running('c')] } }), ready: '1/1', status: 'Terminating', restarts: '0' },
    {
      name: 'NodeLost while deleting is Unknown',
      pod: pod({ deleted: true, status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('c')] } }),
      ready: '1/1', status: 'Unknown', restarts: '0',
    },
    {
      name: 'a finished pod being deleted keeps its status',
      pod: pod({ deleted: true, status: { phase: 'Succeeded', containerStatuses: [terminated('c', 0, 'Completed')] } }),
      ready: '0/1', status: 'Completed', restarts: '0',
    },
    { name: 'status.reason wins over phase', pod: pod({ status: { phase: 'Failed', reason: 'Evicted' } }), ready: '0/1', status: 'Evicted', restarts: '0' },
    {
      name: 'SchedulingGated',
      pod: pod({ status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] } }),
      ready: '0/1', status: 'SchedulingGated', restarts: '0',
    },
  ];
  it.each(cases)('$name', ({ pod, ready, status, restarts }) => {
    expect(summarizePod(pod, now)).toEqual({ ready, status, restarts });
  });
});

describe('podPrinter', () => {
  it('names upstream columns with wide ones at priority 1', () => {
    expect(podPrinter.columns.map((c) => [c.name, c.type, c.priority])).toEqual([
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0], ['Age', 'string', 0],
      ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1], ['Readiness Gates', 'string', 1],
    ]);
    expect(podPrinter.columns[0]?.format).toBe('name');
  });

  it.each([
    {
      name: 'scheduled pod with gates',
      pod: {
        ...pod({ status: { phase: 'Running', podIPs: [{ ip: '10.244.0.5' }], containerStatuses: [running('c')], conditions: [{ type: 'g1', status: 'True' }, { type: 'g2', status: 'False' }] } }),
        spec: { containers: [{ name: 'c' }], nodeName: 'n1', readinessGates: [{ conditionType: 'g1' }, { conditionType: 'g2' }] },
      },
      want: ['p', '1/1', 'Running', '0', '3m', '10.244.0.5', 'n1', '<none>', '1/2'],
    },
    {
      name: 'unscheduled pod',
      pod: { ...pod({ status: { phase: 'Pending', nominatedNodeName: 'n2' } }) },
      want: ['p', '0/1', 'Pending', '0', '3m', '<none>', '<none>', 'n2', '<none>'],
    },
  ])('cells: $name', ({ pod, want }) => expect(podPrinter.cells(pod, now)).toEqual(want));

  it.each([
    { name: 'succeeded', phase: 'Succeeded', want: [{ type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' }] },
    { name: 'failed', phase: 'Failed', want: [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }] },
    { name: 'running', phase: 'Running', want: undefined },
  ])('row conditions: $name', ({ phase, want }) => expect(podPrinter.conditions?.(pod({ status: { phase } }))).toEqual(want));
});
