import type { Node } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { namespacePrinter, nodePrinter, nodeRoles, nodeStatus } from './nodes.ts';

const now = new Date('2024-05-01T12:00:00Z');

const node = (n: { ready?: string; unschedulable?: boolean; labels?: Record<string, string> }): Node => ({
  metadata: { name: 'n1', labels: n.labels },
  spec: { unschedulable: n.unschedulable },
  status: { conditions: n.ready ? [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: n.ready }] : [] },
});

describe('nodeStatus', () => {
  it.each([
    { name: 'ready', n: node({ ready: 'True' }), want: 'Ready' },
    { name: 'not ready', n: node({ ready: 'False' }), want: 'NotReady' },
    { name: 'ready unknown reads NotReady', n: node({ ready: 'Unknown' }), want: 'NotReady' },
    { name: 'no Ready condition yet', n: node({}), want: 'Unknown' },
    { name: 'cordoned', n: node({ ready: 'True', unschedulable: true }), want: 'Ready,SchedulingDisabled' },
    { name: 'cordoned without conditions', n: node({ unschedulable: true }), want: 'Unknown,SchedulingDisabled' },
  ])('$name', ({ n, want }) => expect(nodeStatus(n)).toBe(want));
});

describe('nodeRoles', () => {
  it.each<{ name: string; labels: Record<string, string> | undefined; want: string }>([
    { name: 'no labels', labels: undefined, want: '<none>' },
    { name: 'control plane', labels: { 'node-role.kubernetes.io/control-plane': '' }, want: 'control-plane' },
    {
      name: 'several roles sorted, legacy label merged',
      labels: { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/control-plane': 'true', 'kubernetes.io/role': 'edge' },
      want: 'control-plane,edge,worker',
    },
    { name: 'bare prefix and empty legacy value ignored', labels: { 'node-role.kubernetes.io/': '', 'kubernetes.io/role': '' }, want: '<none>' },
  ])('$name', ({ labels, want }) => expect(nodeRoles(node({ labels }))).toBe(want));
});

describe('nodePrinter', () => {
  it('prints all columns, wide included', () => {
    const n: Node = {
      metadata: { name: 'kind-control-plane', creationTimestamp: '2024-04-29T09:00:00Z', labels: { 'node-role.kubernetes.io/control-plane': '' } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: '172.18.0.2' }, { type: 'Hostname', address: 'kind' }],
        nodeInfo: {
          kubeletVersion: 'v1.32.0', osImage: 'Debian GNU/Linux 12', kernelVersion: '6.8.0', containerRuntimeVersion: 'containerd://1.7',
          architecture: 'amd64', bootID: '', machineID: '', operatingSystem: 'linux', systemUUID: '', kubeProxyVersion: '',
        },
      },
    };
    expect(nodePrinter.cells(n, now)).toEqual([
      'kind-control-plane', 'Ready', 'control-plane', '2d3h', 'v1.32.0', '172.18.0.2', '<none>', 'Debian GNU/Linux 12', '6.8.0', 'containerd://1.7',
    ]);
    expect(nodePrinter.columns.filter((c) => c.priority === 1).map((c) => c.name)).toEqual([
      'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime',
    ]);
  });

  it('fills unknown node info', () => {
    expect(nodePrinter.cells({ metadata: { name: 'n' } }, now)).toEqual(['n', 'Unknown', '<none>', '<unknown>', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
  });
});

describe('namespacePrinter', () => {
  it.each([
    { name: 'active', phase: 'Active' },
    { name: 'terminating', phase: 'Terminating' },
  ])('$name', ({ phase }) => {
    expect(namespacePrinter.cells({ metadata: { name: 'ns', creationTimestamp: '2024-05-01T11:00:00Z' }, status: { phase } }, now)).toEqual(['ns', phase, '60m']);
  });
});
