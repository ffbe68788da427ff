// Node lifecycle, taint-based eviction and node IPAM against a real API server: a node whose Lease
// stops being renewed goes Ready=Unknown and gets the unreachable NoExecute taint; its pods are
// marked not ready, and those tolerating the taint for 2 s (rather than the admission default of
// 300 s) are deleted after that time; the taint goes when the node is Ready again.
import { resourceFor } from '@k8ts/api';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor as ipam } from '../controllers/node-ipam/index.ts';
import { descriptor as lifecycle, taintEvictionDescriptor } from '../controllers/node-lifecycle/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const NODES = resourceFor('', 'v1', 'nodes')!;
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
const EVENTS = resourceFor('', 'v1', 'events')!;
const UNREACHABLE = 'node.kubernetes.io/unreachable';

const microTime = () => new Date().toISOString().replace(/Z$/, '000Z');
const seconds = () => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
const readyCondition = (status: string) => ({ type: 'Ready', status, reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: seconds(), lastTransitionTime: seconds() });
const podOn = (name: string, node: string, tolerations: unknown[] = []): Pod => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' },
  spec: { nodeName: node, containers: [{ name: 'c', image: 'busybox' }], tolerations: tolerations as never },
});

describe('node lifecycle (integration)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({
      descriptors: [lifecycle, taintEvictionDescriptor, ipam],
      config: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 500 },
    });
  }, 60_000);
  afterAll(async () => h?.stop());

  it('gives every node its own /24 of the cluster CIDR', async () => {
    for (const name of ['ipam-a', 'ipam-b']) await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name } });
    const cidrs = await until(async () => {
      const nodes = await Promise.all(['ipam-a', 'ipam-b'].map((n) => h.client.get<Node>(NODES, n)));
      return nodes.every((n) => n.spec?.podCIDR) && nodes.map((n) => [n.spec?.podCIDR, n.spec?.podCIDRs]);
    }, 10_000, 'node CIDRs');
    const [a, b] = cidrs;
    expect(a?.[0]).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(a?.[1]).toEqual([a?.[0]]);
    expect(b?.[0]).not.toBe(a?.[0]);
  });

  it('a silent node goes Unknown, is tainted, and its pods are evicted when their toleration runs out', async () => {
    await h.client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, status: { conditions: [readyCondition('True')] } });
    await h.client.create(LEASES, {
      apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name: 'n1', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: microTime() },
    }, { namespace: 'kube-node-lease' });
    let renewals = 0;
    const renew = async () => {
      await h.client.patch(LEASES, 'n1', { spec: { renewTime: microTime() } }, 'merge', { namespace: 'kube-node-lease' });
      renewals++;
    };
    let timer = setInterval(() => void renew().catch(() => undefined), 250);

    const short = await h.client.create<Pod>(PODS, podOn('short', 'n1', [{ key: UNREACHABLE, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 2 }]), { namespace: 'default' });
    const long = await h.client.create<Pod>(PODS, podOn('long', 'n1'), { namespace: 'default' });
    // DefaultTolerationSeconds admission filled in what each pod did not say.
    expect(short.spec?.tolerations?.map((t) => `${t.key}=${t.tolerationSeconds}`)).toEqual([`${UNREACHABLE}=2`, 'node.kubernetes.io/not-ready=300']);
    expect(long.spec?.tolerations?.map((t) => `${t.key}=${t.tolerationSeconds}`)).toEqual(['node.kubernetes.io/not-ready=300', `${UNREACHABLE}=300`]);

    // Renewed for longer than the grace period: still Ready.
    await until(async () => renewals >= 16, 15_000, 'the lease to be renewed for 4 s');
    const alive = await h.client.get<Node>(NODES, 'n1');
    expect(alive.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('True');
    expect(alive.spec?.taints ?? []).toEqual([]);

    clearInterval(timer);
    const silentSince = Date.now();
    const tainted = await until(async () => {
      const n = await h.client.get<Node>(NODES, 'n1');
      return n.spec?.taints?.some((t) => t.key === UNREACHABLE && t.effect === 'NoExecute') && n;
    }, 15_000, 'the unreachable taint');
    const taintedAt = Date.now();
    expect(taintedAt - silentSince).toBeGreaterThanOrEqual(2_500);
    expect(tainted.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({ status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.' });
    expect(tainted.status?.conditions?.filter((c) => c.status === 'Unknown').map((c) => c.type).sort()).toEqual(['DiskPressure', 'MemoryPressure', 'PIDPressure', 'Ready']);
    // TaintNodesByCondition adds the NoSchedule twin on its own queue.
    await until(async () => (await h.client.get<Node>(NODES, 'n1')).spec?.taints?.some((t) => t.key === UNREACHABLE && t.effect === 'NoSchedule'), 10_000, 'the unreachable NoSchedule taint');

    await until(async () => !(await h.client.list<Pod>(PODS, { namespace: 'default' })).items.some((p) => p.metadata?.name === 'short'), 15_000, 'the short-tolerating pod to go');
    expect(Date.now() - taintedAt).toBeGreaterThanOrEqual(1_500);
    const events = await until(async () => {
      const evs = (await h.client.list<{ reason?: string; message?: string; source?: { component?: string } }>(EVENTS, { namespace: 'default' })).items;
      return evs.some((e) => e.reason === 'TaintManagerEviction') && evs;
    }, 10_000, 'the eviction event');
    expect(events).toContainEqual(expect.objectContaining({ reason: 'TaintManagerEviction', message: 'Marking for deletion Pod default/short', source: expect.objectContaining({ component: 'taint-eviction-controller' }) }));

    const kept = await until(async () => {
      const p = await h.client.get<Pod>(PODS, 'long', 'default');
      return p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'False') && p;
    }, 10_000, 'the remaining pod to be marked not ready');
    expect(kept.metadata?.deletionTimestamp).toBeUndefined();

    // The kubelet comes back: lease renewed and Ready posted; the taints go.
    timer = setInterval(() => void renew().catch(() => undefined), 250);
    const fresh = await h.client.get<Node>(NODES, 'n1');
    await h.client.updateStatus(NODES, { ...fresh, status: { ...fresh.status, conditions: [readyCondition('True')] } });
    await until(async () => !(await h.client.get<Node>(NODES, 'n1')).spec?.taints?.some((t) => t.key === UNREACHABLE), 10_000, 'the taints to go');
    clearInterval(timer);
  }, 60_000);
});
