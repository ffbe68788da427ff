// NodeAgent against a real etcd + API server, with the fake CRI runtime: the Node registers
// with a full status, the Lease is renewed, a failing runtime turns Ready False, and the agent
// rides out an API server restart.
import { tmpdir } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client, leasePort, type Lease } from '@k8ts/client';
import { criError, FakeRuntime } from '@k8ts/cri';
import { startControlPlane, until, type ControlPlane } from '@k8ts/testing';
import type { Node } from 'kubernetes-types/core/v1';
import { NodeAgent } from './agent.ts';
import { nodeApi } from './api.ts';
import { machineInfo } from './machine.ts';

const NODES = resourceFor('', 'v1', 'nodes') as ResourceInfo;
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases') as ResourceInfo;

let cp: ControlPlane;
let client: Client;
const stop = new AbortController();
let running: Promise<void> | undefined;

beforeAll(async () => {
  cp = await startControlPlane();
  client = new Client({ config: { server: cp.url }, timeoutMs: 2_000 });
}, 60_000);

afterAll(async () => {
  stop.abort();
  await running;
  client?.close();
  await cp?.stop();
}, 30_000);

const ready = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === 'Ready');
const getNode = () => client.get<Node>(NODES, 'node-it').catch(() => undefined);
const getLease = () => client.get<Lease & { metadata: { ownerReferences?: { kind: string; name: string; uid: string }[] } }>(LEASES, 'node-it', 'kube-node-lease').catch(() => undefined);

describe('NodeAgent on a real API server', () => {
  const runtime = new FakeRuntime({ images: ['docker.io/library/busybox:1.36', 'registry.k8s.io/pause:3.10'] });

  it('registers the Node with capacity, nodeInfo, images and Ready=True, and renews its Lease', async () => {
    const agent = new NodeAgent({
      nodeName: 'node-it', api: nodeApi(client), leases: leasePort(client), runtime, images: runtime,
      machine: () => machineInfo({ rootDir: tmpdir(), nodeIP: '127.0.0.1', hostname: 'node-it' }),
      statusUpdateMs: 200, leaseRenewMs: 200, statusReportMs: 1_000, retryInitialMs: 50,
    });
    running = agent.run(stop.signal);

    const node = await until(async () => { const n = await getNode(); return ready(n)?.status === 'True' && n; }, 20_000, 'Ready=True');
    expect(node.metadata?.labels).toMatchObject({ 'kubernetes.io/hostname': 'node-it', 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': expect.any(String) });
    expect(node.status?.capacity).toMatchObject({ cpu: expect.any(String), memory: expect.any(String), 'ephemeral-storage': expect.any(String), pods: '110' });
    expect(node.status?.allocatable?.pods).toBe('110');
    expect(node.status?.nodeInfo).toMatchObject({ kubeletVersion: 'v1.32.0-k8ts', containerRuntimeVersion: 'fake://1.6.20', operatingSystem: 'linux' });
    expect(node.status?.images?.flatMap((i) => i.names)).toEqual(expect.arrayContaining(['docker.io/library/busybox:1.36', 'registry.k8s.io/pause:3.10']));
    expect(node.status?.addresses).toEqual([{ type: 'InternalIP', address: '127.0.0.1' }, { type: 'Hostname', address: 'node-it' }]);
    expect(ready(node)).toMatchObject({ reason: 'KubeletReady', message: 'kubelet is posting ready status' });

    const first = await until(getLease, 10_000, 'the Lease');
    expect(first.spec).toMatchObject({ holderIdentity: 'node-it', leaseDurationSeconds: 40 });
    await until(async () => (await getLease())?.metadata.ownerReferences?.[0]?.uid === node.metadata?.uid, 10_000, 'the owner reference');
    const renewed = await until(async () => { const l = await getLease(); return l?.spec?.renewTime !== first.spec?.renewTime && l; }, 10_000, 'a renewal');
    expect(renewed.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Node', name: 'node-it', uid: node.metadata?.uid })]);
  }, 40_000);

  it('turns Ready False with the upstream reason while the runtime fails, and back', async () => {
    for (let i = 0; i < 10; i++) runtime.failNext('status', criError('Unavailable', 'connection refused'));
    const down = await until(async () => { const n = await getNode(); return ready(n)?.status === 'False' && n; }, 20_000, 'Ready=False');
    expect(ready(down)).toMatchObject({ reason: 'KubeletNotReady', message: 'container runtime is down' });
    await until(async () => ready(await getNode())?.status === 'True', 60_000, 'Ready=True again');
  }, 40_000);

  it('keeps renewing the Lease after the API server restarts', async () => {
    await cp.killApiServer();
    await cp.startApiServer();
    const restarted = Date.now();
    await until(async () => Date.parse((await getLease())?.spec?.renewTime ?? '') > restarted, 20_000, 'a renewal after restart');
    await until(async () => Date.parse(ready(await getNode())?.lastHeartbeatTime ?? '') >= restarted - 1_000, 20_000, 'a status write after restart');
  }, 40_000);
});
