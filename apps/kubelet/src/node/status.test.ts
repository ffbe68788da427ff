import { describe, expect, it } from 'vitest';
import type { Node, NodeCondition, NodeSystemInfo } from 'kubernetes-types/core/v1';
import { criError } from '@k8ts/cri';
import { MACHINE, VERSION, image, runtimeStatus } from './fixtures.ts';
import { nodeImages, nodeStatus } from './status.ts';
import type { RuntimeReport } from './types.ts';

const T0 = '2025-01-01T00:00:00Z';
const NOW = new Date('2025-01-01T00:10:00.250Z');
const NOW_S = '2025-01-01T00:10:00Z';

const prev = (conds: Partial<NodeCondition>[]): Node => ({
  metadata: { name: 'node-a' },
  status: { conditions: conds.map((c) => ({ status: 'False', lastHeartbeatTime: T0, lastTransitionTime: T0, ...c }) as NodeCondition) },
});
const ready = (status: 'True' | 'False') => prev([
  { type: 'MemoryPressure' }, { type: 'DiskPressure' }, { type: 'PIDPressure' }, { type: 'Ready', status },
]);

describe('nodeStatus conditions', () => {
  const cases: { name: string; runtime: RuntimeReport; node?: Node; ready: Partial<NodeCondition> }[] = [
    {
      name: 'runtime ready, first report: every time is now',
      runtime: { version: VERSION, status: runtimeStatus() },
      ready: { status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastTransitionTime: NOW_S },
    },
    {
      name: 'still ready: the transition time stays',
      runtime: { version: VERSION, status: runtimeStatus() },
      node: ready('True'),
      ready: { status: 'True', reason: 'KubeletReady', lastTransitionTime: T0 },
    },
    {
      name: 'status call fails: runtime is down, transition now',
      runtime: { error: criError('Unavailable', 'connection refused') },
      node: ready('True'),
      ready: { status: 'False', reason: 'KubeletNotReady', message: 'container runtime is down', lastTransitionTime: NOW_S },
    },
    {
      name: 'network not ready: upstream message with the CRI condition',
      runtime: { version: VERSION, status: runtimeStatus(true, false) },
      node: ready('False'),
      ready: {
        status: 'False', reason: 'KubeletNotReady', lastTransitionTime: T0,
        message: 'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized',
      },
    },
    {
      name: 'runtime and network not ready: aggregated in brackets',
      runtime: { version: VERSION, status: runtimeStatus(false, false) },
      ready: {
        status: 'False', reason: 'KubeletNotReady',
        message: '[container runtime not ready: RuntimeReady=false reason:ContainerdDown message:containerd is not running, ' +
          'container runtime network not ready: NetworkReady=false reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not initialized]',
      },
    },
    {
      name: 'runtime reports no conditions',
      runtime: { version: VERSION, status: { status: null, info: {}, runtime_handlers: [] } },
      ready: { status: 'False', message: '[container runtime not ready: <nil>, container runtime network not ready: <nil>]' },
    },
    {
      name: 'back to ready: transition now',
      runtime: { version: VERSION, status: runtimeStatus() },
      node: ready('False'),
      ready: { status: 'True', reason: 'KubeletReady', lastTransitionTime: NOW_S },
    },
  ];
  it.each(cases)('$name', ({ runtime, node, ready: want }) => {
    const s = nodeStatus({ node, machine: MACHINE, runtime, images: [], kubeletVersion: 'v1.32.0-k8ts', now: NOW });
    const conds = s.conditions ?? [];
    expect(conds.map((c) => c.type)).toEqual(['MemoryPressure', 'DiskPressure', 'PIDPressure', 'Ready']);
    expect(conds.every((c) => c.lastHeartbeatTime === NOW_S)).toBe(true);
    expect(conds.find((c) => c.type === 'Ready')).toMatchObject(want);
  });

  it('keeps pressure conditions False with upstream reasons and conditions owned by others', () => {
    const node = prev([{ type: 'NetworkUnavailable', reason: 'RouteCreated', message: 'routes created' }, { type: 'MemoryPressure' }]);
    const s = nodeStatus({ node, machine: MACHINE, runtime: { version: VERSION, status: runtimeStatus() }, images: [], kubeletVersion: 'v', now: NOW });
    expect(s.conditions?.slice(0, 4).map((c) => [c.type, c.status, c.reason, c.message, c.lastTransitionTime])).toEqual([
      ['NetworkUnavailable', 'False', 'RouteCreated', 'routes created', T0],
      ['MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available', T0],
      ['DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure', NOW_S],
      ['PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available', NOW_S],
    ]);
  });
});

describe('nodeStatus resources and info', () => {
  const cases = [
    {
      name: 'defaults reserve the hard eviction thresholds',
      reserved: undefined,
      allocatable: { cpu: '4', memory: '16284Mi', 'ephemeral-storage': '90Gi' },
    },
    {
      name: 'explicit reservations',
      reserved: { cpu: 0.5, memory: 1024 ** 3, ephemeralStorage: 10 * 1024 ** 3 },
      allocatable: { cpu: '3500m', memory: '15Gi', 'ephemeral-storage': '90Gi' },
    },
  ];
  it.each(cases)('$name', ({ reserved, allocatable }) => {
    const s = nodeStatus({ machine: MACHINE, runtime: { version: VERSION, status: runtimeStatus() }, images: [], kubeletVersion: 'v1.32.0-k8ts', reserved, now: NOW });
    expect(s.capacity).toEqual({ cpu: '4', memory: '16Gi', 'ephemeral-storage': '100Gi', pods: '110', 'hugepages-1Gi': '0', 'hugepages-2Mi': '0' });
    expect(s.allocatable).toMatchObject({ ...allocatable, pods: '110' });
  });

  it('reports --max-pods as capacity and allocatable pods', () => {
    const s = nodeStatus({ machine: MACHINE, runtime: { version: VERSION, status: runtimeStatus() }, images: [], kubeletVersion: 'v1.32.0-k8ts', maxPods: 30, now: NOW });
    expect([s.capacity?.pods, s.allocatable?.pods]).toEqual(['30', '30']);
  });

  it('reports addresses, endpoints and nodeInfo', () => {
    const s = nodeStatus({ machine: MACHINE, runtime: { version: VERSION, status: runtimeStatus() }, images: [], kubeletVersion: 'v1.32.0-k8ts', now: NOW });
    expect(s.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-a' }]);
    expect(s.daemonEndpoints).toEqual({ kubeletEndpoint: { Port: 10250 } });
    expect(s.nodeInfo).toEqual({
      architecture: 'amd64', bootID: MACHINE.bootID, containerRuntimeVersion: 'containerd://1.6.20', kernelVersion: '6.8.0-45-generic',
      kubeProxyVersion: '', kubeletVersion: 'v1.32.0-k8ts', machineID: MACHINE.machineID, operatingSystem: 'linux',
      osImage: 'Ubuntu 24.04.1 LTS', systemUUID: MACHINE.systemUUID,
    });
  });

  it('keeps the last runtime version and images while the runtime is down', () => {
    const node: Node = { status: { nodeInfo: { containerRuntimeVersion: 'containerd://1.6.20' } as NodeSystemInfo, images: [{ names: ['busybox:1.36'], sizeBytes: 5 }] } };
    const s = nodeStatus({ node, machine: MACHINE, runtime: { error: new Error('down') }, kubeletVersion: 'v', now: NOW });
    expect(s.nodeInfo?.containerRuntimeVersion).toBe('containerd://1.6.20');
    expect(s.images).toEqual([{ names: ['busybox:1.36'], sizeBytes: 5 }]);
  });
});

describe('nodeImages', () => {
  const cases = [
    {
      name: 'largest first, digests before tags',
      images: [image('small:1', 10), image('big:1', 1000, ['big@sha256:aa'])],
      want: [{ names: ['big@sha256:aa', 'big:1'], sizeBytes: 1000 }, { names: ['small:1'], sizeBytes: 10 }],
    },
    {
      name: 'at most five names per image',
      images: [{ ...image('a:1', 1, ['a@1', 'a@2', 'a@3']), repo_tags: ['a:1', 'a:2', 'a:3'] }],
      want: [{ names: ['a@1', 'a@2', 'a@3', 'a:1', 'a:2'], sizeBytes: 1 }],
    },
  ];
  it.each(cases)('$name', ({ images, want }) => expect(nodeImages(images)).toEqual(want));

  it('reports at most 50 images', () => {
    const many = Array.from({ length: 60 }, (_, i) => image(`img:${i}`, i + 1));
    const out = nodeImages(many);
    expect(out).toHaveLength(50);
    expect(out[0]).toEqual({ names: ['img:59'], sizeBytes: 60 });
    expect(out.at(-1)).toEqual({ names: ['img:10'], sizeBytes: 11 });
  });
});
