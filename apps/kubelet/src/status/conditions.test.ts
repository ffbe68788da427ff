// Readiness, startup, conditions and addresses of computed statuses.
import { describe, expect, it } from 'vitest';
import { ResultsManager } from '../prober/results.ts';
import {
  CONDITIONS_RUNNING, NOW, at, computeAt, container, exited, makePod, notReady, probes, running, sandbox, type StatusCase,
} from './fixtures.ts';

const cases: StatusCase[] = [
  {
    name: 'hostNetwork pod: pod IP is the host IP',
    input: { pod: makePod({ hostNetwork: true }), sandboxes: [sandbox({ hostNetwork: true })], containers: [running('c', 'c1')] },
    want: { phase: 'Running', podIP: '192.168.1.10', podIPs: [{ ip: '192.168.1.10' }], conditions: CONDITIONS_RUNNING },
  },
  {
    name: 'a newer sandbox not ready: not ready to start containers, no pod IP',
    input: { pod: makePod(), sandboxes: [sandbox({ id: 'old', created: 1 }), sandbox({ id: 'new', created: 50, state: 'SANDBOX_NOTREADY' })] },
    want: { conditions: [{ type: 'PodReadyToStartContainers', status: 'False' }, {}, {}, {}, {}] },
  },
  {
    name: 'readiness gate not satisfied: ContainersReady True, Ready False',
    input: {
      pod: makePod({ readinessGates: [{ conditionType: 'example.com/lb' }] }, {
        status: { conditions: [{ type: 'example.com/lb', status: 'False' }, { type: 'PodScheduled', status: 'True' }] },
      }),
      containers: [running('c', 'c1')],
    },
    want: {
      conditions: [
        { type: 'example.com/lb', status: 'False' },
        { type: 'PodReadyToStartContainers' }, { type: 'Initialized' },
        { type: 'Ready', status: 'False', reason: 'ReadinessGatesNotReady', message: 'the status of pod readiness gate "example.com/lb" is not "True", but False' },
        { type: 'ContainersReady', status: 'True' },
        { type: 'PodScheduled' },
      ],
    },
  },
  {
    name: 'condition times: kept when unchanged, now when the status flips; startTime kept',
    input: {
      pod: makePod(),
      containers: [running('c', 'c1')],
      previous: {
        phase: 'Pending', startTime: at(1),
        conditions: [
          { type: 'PodReadyToStartContainers', status: 'True', lastTransitionTime: at(2) },
          { type: 'Initialized', status: 'True', lastTransitionTime: at(2) },
          { type: 'Ready', status: 'False', lastTransitionTime: at(2) },
          { type: 'ContainersReady', status: 'False', lastTransitionTime: at(2) },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
        ],
      },
    },
    want: {
      startTime: at(1),
      conditions: [
        { type: 'PodReadyToStartContainers', lastTransitionTime: at(2) },
        { type: 'Initialized', lastTransitionTime: at(2) },
        { type: 'Ready', status: 'True', lastTransitionTime: at(NOW) },
        { type: 'ContainersReady', status: 'True', lastTransitionTime: at(NOW) },
        { type: 'PodScheduled', lastTransitionTime: at(0) },
      ],
    },
  },
  {
    name: 'dual-stack: one IP per family, the node family first',
    input: { pod: makePod(), podIPs: ['fd00::5', '10.244.1.5', '10.244.1.6'], hostIPs: ['192.168.1.10', 'fd00::10'] },
    want: { podIP: '10.244.1.5', podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }], hostIPs: [{ ip: '192.168.1.10' }, { ip: 'fd00::10' }] },
  },
  {
    name: 'running, readiness probe failing: not ready',
    input: {
      pod: makePod({ containers: [container('c', { readinessProbe: { exec: { command: ['false'] } } })] }),
      containers: [running('c', 'c1')],
      readiness: probes({ c1: 'Failure' }),
    },
    want: { phase: 'Running', conditions: [{}, { type: 'Initialized', status: 'True' }, ...notReady('c'), {}], containerStatuses: [{ ready: false, started: true }] },
  },
  {
    name: 'running, readiness probe not run yet: not ready',
    input: { pod: makePod({ containers: [container('c', { readinessProbe: { exec: { command: ['true'] } } })] }), containers: [running('c', 'c1')] },
    want: { containerStatuses: [{ ready: false, started: true }] },
  },
  {
    name: 'readiness success of an earlier attempt does not count',
    input: {
      pod: makePod({ containers: [container('c', { readinessProbe: { exec: { command: ['true'] } } })] }),
      containers: [exited('c', 'c0', 1, 'Error'), running('c', 'c1', { attempt: 1 })],
      readiness: probes({ c0: 'Success' }),
    },
    want: { containerStatuses: [{ ready: false, restartCount: 1 }] },
  },
  {
    name: 'startup probe pending: neither started nor ready',
    input: {
      pod: makePod({ containers: [container('c', { startupProbe: { exec: { command: ['true'] } } })] }),
      containers: [running('c', 'c1')],
    },
    want: { phase: 'Running', containerStatuses: [{ started: false, ready: false }] },
  },
  {
    name: 'startup and readiness succeeded: ready',
    input: {
      pod: makePod({ containers: [container('c', { startupProbe: { exec: { command: ['true'] } }, readinessProbe: { exec: { command: ['true'] } } })] }),
      containers: [running('c', 'c1')],
      startup: probes({ c1: 'Success' }),
      readiness: probes({ c1: 'Success' }),
    },
    want: { conditions: CONDITIONS_RUNNING, containerStatuses: [{ started: true, ready: true }] },
  },
];

describe('computePodStatus: probes, conditions, addresses', () => {
  it.each(cases)('$name', ({ input, want }) => {
    expect(computeAt(input)).toMatchObject(want);
  });

  it("reads the prober's ResultsManager, keyed by the bare CRI id", () => {
    const readinessResults = new ResultsManager();
    const pod = makePod({ containers: [container('c', { readinessProbe: { exec: { command: ['true'] } } })] });
    const ready = () => computeAt({ pod, containers: [running('c', 'c1')], readiness: readinessResults }).containerStatuses?.[0]?.ready;
    expect(ready()).toBe(false);
    readinessResults.set('c1', 'Success', 'uid-1', 'c');
    expect(ready()).toBe(true);
    readinessResults.set('c1', 'Unknown', 'uid-1', 'c');
    expect(ready()).toBe(false);
  });
});
