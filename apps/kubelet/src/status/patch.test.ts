import type { PodStatus } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { at } from './fixtures.ts';
import { statusPatch } from './patch.ts';

const pending: PodStatus = {
  phase: 'Pending',
  conditions: [
    { type: 'Initialized', status: 'True', lastTransitionTime: at(0) },
    { type: 'Ready', status: 'False', reason: 'ContainersNotReady', message: 'containers with unready status: [c]', lastTransitionTime: at(0) },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
  ],
  hostIP: '192.168.1.10',
  startTime: at(1),
  containerStatuses: [{ name: 'c', image: 'busybox', imageID: '', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
  qosClass: 'BestEffort',
};

const running: PodStatus = {
  ...pending,
  phase: 'Running',
  conditions: [
    { type: 'Initialized', status: 'True', lastTransitionTime: at(0) },
    { type: 'Ready', status: 'True', lastTransitionTime: at(9) },
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) },
  ],
  podIP: '10.244.1.5',
  podIPs: [{ ip: '10.244.1.5' }],
  containerStatuses: [{
    name: 'c', image: 'docker.io/library/busybox:latest', imageID: 'docker.io/library/busybox@sha256:aaaa', containerID: 'containerd://c1',
    ready: true, started: true, restartCount: 0, state: { running: { startedAt: at(3) } },
  }],
};

const cases: { name: string; old: PodStatus; next: PodStatus; uid?: string; want: unknown }[] = [
  { name: 'nothing changed: no status in the patch', old: pending, next: structuredClone(pending), want: {} },
  { name: 'the uid is always there as a precondition', old: pending, next: pending, uid: 'uid-1', want: { metadata: { uid: 'uid-1' } } },
  {
    name: 'pending to running: changed condition by key, order directive, lists replaced, new fields',
    old: pending,
    next: running,
    uid: 'uid-1',
    want: {
      metadata: { uid: 'uid-1' },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', reason: null, message: null, lastTransitionTime: at(9) }],
        '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'Ready' }, { type: 'PodScheduled' }],
        podIP: '10.244.1.5',
        podIPs: [{ ip: '10.244.1.5' }],
        containerStatuses: running.containerStatuses,
      },
    },
  },
  {
    name: 'a condition added and one removed',
    old: pending,
    next: { ...pending, conditions: [pending.conditions![0]!, { type: 'ContainersReady', status: 'False', lastTransitionTime: at(5) }, pending.conditions![2]!] },
    want: {
      status: {
        conditions: [{ type: 'ContainersReady', status: 'False', lastTransitionTime: at(5) }, { type: 'Ready', $patch: 'delete' }],
        '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'ContainersReady' }, { type: 'PodScheduled' }],
      },
    },
  },
  {
    name: 'only the order of conditions changed: just the order directive',
    old: pending,
    next: { ...pending, conditions: [pending.conditions![2]!, pending.conditions![0]!, pending.conditions![1]!] },
    want: { status: { '$setElementOrder/conditions': [{ type: 'PodScheduled' }, { type: 'Initialized' }, { type: 'Ready' }] } },
  },
  {
    name: 'a field dropped becomes null',
    old: { ...running, reason: 'Evicted', message: 'low memory' },
    next: running,
    want: { status: { reason: null, message: null } },
  },
  {
    name: 'a second pod IP is merged by ip',
    old: running,
    next: { ...running, podIPs: [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] },
    want: { status: { podIPs: [{ ip: 'fd00::5' }], '$setElementOrder/podIPs': [{ ip: '10.244.1.5' }, { ip: 'fd00::5' }] } },
  },
  {
    name: 'a condition time alone still patches (the caller decides whether to write)',
    old: pending,
    next: { ...pending, conditions: [{ ...pending.conditions![0]!, lastTransitionTime: at(2) }, pending.conditions![1]!, pending.conditions![2]!] },
    want: {
      status: {
        conditions: [{ type: 'Initialized', lastTransitionTime: at(2) }],
        '$setElementOrder/conditions': [{ type: 'Initialized' }, { type: 'Ready' }, { type: 'PodScheduled' }],
      },
    },
  },
];

describe('statusPatch', () => {
  it.each(cases)('$name', ({ old, next, uid, want }) => {
    expect(statusPatch(old, next, uid)).toEqual(want);
  });
});
