import type { Node } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { makeNode, makePod } from '../framework/testing.ts';
import { EVENTS, eventMatches, nodeUpdateEvents, podMatchesEvent, type ClusterEvent } from './events.ts';
import { assignedPodUpdateEvents, isPodUpdated } from './pod-changes.ts';

describe('eventMatches', () => {
  const cases: { name: string; registered: ClusterEvent; event: ClusterEvent; want: boolean }[] = [
    { name: 'same resource and action', registered: { resource: 'Node', action: 'Add' }, event: EVENTS.NodeAdd, want: true },
    { name: 'other resource', registered: { resource: 'Pod', action: 'Add' }, event: EVENTS.NodeAdd, want: false },
    { name: 'one of several actions', registered: { resource: 'Node', action: ['Add', 'UpdateNodeLabel'] }, event: EVENTS.NodeLabelChange, want: true },
    { name: 'Update covers every update', registered: { resource: 'Node', action: 'Update' }, event: EVENTS.NodeTaintChange, want: true },
    { name: 'Update does not cover Add', registered: { resource: 'Node', action: 'Update' }, event: EVENTS.NodeAdd, want: false },
    { name: 'All covers Delete', registered: { resource: 'Pod', action: 'All' }, event: EVENTS.AssignedPodDelete, want: true },
    { name: 'wildcard resource', registered: { resource: '*', action: 'Delete' }, event: EVENTS.AssignedPodDelete, want: true },
  ];
  for (const c of cases) it(c.name, () => expect(eventMatches(c.registered, c.event)).toBe(c.want));
});

describe('podMatchesEvent', () => {
  const cases: { name: string; plugins: string[]; event: ClusterEvent; want: boolean }[] = [
    { name: 'no plugin recorded: always', plugins: [], event: EVENTS.NodeConditionChange, want: true },
    { name: 'the timeout matches anything', plugins: ['NodeAffinity'], event: EVENTS.UnschedulableTimeout, want: true },
    { name: 'ports care about pod deletion', plugins: ['NodePorts'], event: EVENTS.AssignedPodDelete, want: true },
    { name: 'ports do not care about pod add', plugins: ['NodePorts'], event: EVENTS.AssignedPodAdd, want: false },
    { name: 'fit cares about scale-down', plugins: ['NodeResourcesFit'], event: EVENTS.PodScaleDown, want: true },
    { name: 'affinity cares about pod labels', plugins: ['InterPodAffinity'], event: EVENTS.PodLabelChange, want: true },
    { name: 'condition changes wake none of ours', plugins: ['NodeResourcesFit', 'TaintToleration'], event: EVENTS.NodeConditionChange, want: false },
  ];
  for (const c of cases) it(c.name, () => expect(podMatchesEvent(new Set(c.plugins), c.event)).toBe(c.want));
});

describe('nodeUpdateEvents', () => {
  const base = makeNode('n');
  const with_ = (f: (n: Node) => Node) => f(structuredClone(base));
  const cases: { name: string; next: Node; want: (string | undefined)[] }[] = [
    { name: 'nothing changed', next: structuredClone(base), want: [] },
    {
      name: 'heartbeat only',
      next: with_((n) => ({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'True', lastHeartbeatTime: 'x' }] } })),
      want: [],
    },
    { name: 'cordoned', next: with_((n) => ({ ...n, spec: { unschedulable: true } })), want: ['NodeSpecUnschedulableChange'] },
    { name: 'allocatable', next: with_((n) => ({ ...n, status: { ...n.status, allocatable: { cpu: '8' } } })), want: ['NodeAllocatableChange'] },
    { name: 'labels', next: with_((n) => ({ ...n, metadata: { ...n.metadata, labels: { a: 'b' } } })), want: ['NodeLabelChange'] },
    { name: 'taints', next: with_((n) => ({ ...n, spec: { taints: [{ key: 'k', effect: 'NoSchedule' }] } })), want: ['NodeTaintChange'] },
    {
      name: 'not ready',
      next: with_((n) => ({ ...n, status: { ...n.status, conditions: [{ type: 'Ready', status: 'False' }] } })),
      want: ['NodeConditionChange'],
    },
  ];
  for (const c of cases) it(c.name, () => expect(nodeUpdateEvents(base, c.next).map((e) => e.label)).toEqual(c.want));
});

describe('pod changes', () => {
  const p = makePod('p', { requests: { cpu: '1' } });
  const cases = [
    { name: 'status and resourceVersion only', next: { ...p, metadata: { ...p.metadata, resourceVersion: '7' }, status: { phase: 'Failed' } }, updated: false, events: [] },
    { name: 'labels', next: { ...p, metadata: { ...p.metadata, labels: { a: 'b' } } }, updated: true, events: ['AssignedPodUpdatePodLabel'] },
    { name: 'requests down', next: makePod('p', { uid: p.metadata!.uid!, requests: { cpu: '500m' } }), updated: true, events: ['AssignedPodUpdatePodScaleDown'] },
    { name: 'requests up', next: makePod('p', { uid: p.metadata!.uid!, requests: { cpu: '2' } }), updated: true, events: [] },
  ];
  for (const c of cases)
    it(c.name, () => {
      expect(isPodUpdated(p, c.next)).toBe(c.updated);
      expect(assignedPodUpdateEvents(p, c.next).map((e) => e.label)).toEqual(c.events);
    });
});
