import type { Container, ContainerPort } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { NodePorts } from './index.ts';

/** A pod with one container per "proto/ip/port" entry, as upstream's newPod helper. */
function podWithPorts(name: string, ...specs: string[]) {
  const ports: ContainerPort[] = specs.map((s) => {
    const [protocol, hostIP, port] = s.split('/') as [string, string, string];
    return { protocol, hostIP, hostPort: Number(port), containerPort: Number(port) };
  });
  const containers: Container[] = [{ name: 'c', image: 'busybox', ports }];
  return makePod(name, { spec: { containers }, node: 'n' });
}

const conflict = { code: 'Unschedulable', reasons: ["node(s) didn't have free ports for the requested pod ports"] };

describe('NodePorts', () => {
  it.each([
    { name: 'nothing running', pod: [], existing: [], want: { code: 'Success' } },
    { name: 'other port', pod: ['UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/9090'], want: { code: 'Success' } },
    { name: 'same udp port', pod: ['UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/8080'], want: conflict },
    { name: 'same tcp port', pod: ['TCP/127.0.0.1/8080'], existing: ['TCP/127.0.0.1/8080'], want: conflict },
    { name: 'different host ip', pod: ['TCP/127.0.0.1/8080'], existing: ['TCP/127.0.0.2/8080'], want: { code: 'Success' } },
    { name: 'different protocol', pod: ['UDP/127.0.0.1/8080'], existing: ['TCP/127.0.0.1/8080'], want: { code: 'Success' } },
    { name: 'second port conflicts', pod: ['TCP/127.0.0.1/8001', 'UDP/127.0.0.1/8080'], existing: ['UDP/127.0.0.1/8080'], want: conflict },
    { name: 'wildcard wanted, specific used', pod: ['UDP/0.0.0.0/8001'], existing: ['UDP/127.0.0.1/8001'], want: conflict },
    { name: 'specific wanted, wildcard used', pod: ['TCP/127.0.0.1/8001'], existing: ['TCP/0.0.0.0/8001'], want: conflict },
    { name: 'wildcard on another protocol', pod: ['UDP/127.0.0.1/8001'], existing: ['TCP/0.0.0.0/8001'], want: { code: 'Success' } },
  ])('$name', ({ pod, existing, want }) => {
    const pl = new NodePorts();
    const state = new CycleState();
    const incoming = podWithPorts('incoming', ...pod);
    const nodeInfo = new NodeInfo(makeNode('n'), existing.length ? [podWithPorts('existing', ...existing)] : []);
    const pre = pl.preFilter(state, incoming);
    if (pod.length === 0) {
      expect(pre.status).toEqual({ code: 'Skip' });
      return;
    }
    expect(pre.status).toEqual({ code: 'Success' });
    expect(pl.filter(state, incoming, nodeInfo)).toEqual(want);
  });
});
