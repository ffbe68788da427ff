// Controllers working together on a real API server, as they do in a cluster:
// - deleting a Deployment removes its ReplicaSets and their pods (the garbage collector), and
//   `--cascade=orphan` keeps them with the ownerReferences removed;
// - a node that stops renewing its Lease is tainted, its pods are evicted, and the ReplicaSet's
//   replacements are bound by the real scheduler (its built bundle) to a healthy node.
import { fileURLToPath } from 'node:url';
import { resourceFor } from '@k8ts/api';
import { microTime, type Lease } from '@k8ts/client';
import { type ComponentProcess, startComponentProcess } from '@k8ts/testing';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { descriptor as deploymentDescriptor } from '../controllers/deployment/index.ts';
import { descriptor as gcDescriptor } from '../controllers/garbage-collector/index.ts';
import { descriptor as nodeLifecycleDescriptor, taintEvictionDescriptor } from '../controllers/node-lifecycle/index.ts';
import { descriptor as replicaSetDescriptor } from '../controllers/replicaset/index.ts';
import { PODS, startHarness, until, type Harness } from './harness.ts';

const SCHEDULER = fileURLToPath(new URL('../../../scheduler/dist/main.mjs', import.meta.url));
const DEPLOYMENTS = resourceFor('apps', 'v1', 'deployments')!;
const REPLICASETS = resourceFor('apps', 'v1', 'replicasets')!;
const NODES = resourceFor('', 'v1', 'nodes')!;
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases')!;

let h: Harness;
let scheduler: ComponentProcess | undefined;
const renewing = new Set<string>();
let renewTimer: NodeJS.Timeout | undefined;

beforeAll(async () => {
  h = await startHarness({
    descriptors: [replicaSetDescriptor, deploymentDescriptor, gcDescriptor, nodeLifecycleDescriptor, taintEvictionDescriptor],
    config: { nodeMonitorGracePeriodMs: 3000, nodeMonitorPeriodMs: 500, nodeStartupGracePeriodMs: 3000 },
  });
}, 60_000);

afterAll(async () => {
  clearInterval(renewTimer);
  await scheduler?.kill();
  await h?.stop();
});

const kubectl = (...args: string[]) => h.kubectl(...args);

const deployment = (name: string, replicas: number): Deployment => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' },
  spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
});
const podsOf = async (app: string) => (await h.client.list<Pod>(PODS, { namespace: 'default', labelSelector: `app=${app}` })).items;
const rsOf = async (app: string) => (await h.client.list<ReplicaSet>(REPLICASETS, { namespace: 'default', labelSelector: `app=${app}` })).items;

describe('deleting a Deployment', () => {
  it('removes its ReplicaSet and pods (background cascade)', async () => {
    await h.client.create(DEPLOYMENTS, deployment('gone', 2), { namespace: 'default' });
    await until(async () => (await podsOf('gone')).length === 2, 20_000, 'two pods');
    expect(await kubectl('delete', 'deployment', 'gone')).toContain('deployment.apps "gone" deleted');
    await until(async () => (await rsOf('gone')).length === 0 && (await podsOf('gone')).length === 0, 20_000, 'the ReplicaSet and pods to go');
  });

  it('keeps them with --cascade=orphan, without owner references', async () => {
    await h.client.create(DEPLOYMENTS, deployment('kept', 2), { namespace: 'default' });
    await until(async () => (await podsOf('kept')).length === 2, 20_000, 'two pods');
    await kubectl('delete', 'deployment', 'kept', '--cascade=orphan');
    await until(async () => (await h.client.list<Deployment>(DEPLOYMENTS, { namespace: 'default' })).items.every((d) => d.metadata?.name !== 'kept'), 20_000, 'the Deployment to go');
    const rs = await until(async () => {
      const l = await rsOf('kept');
      return l.length === 1 && !l[0]!.metadata?.ownerReferences?.length ? l : undefined;
    }, 20_000, 'the ReplicaSet to be orphaned');
    expect(rs[0]!.metadata?.ownerReferences ?? []).toEqual([]);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await podsOf('kept')).toHaveLength(2);
  });
});

describe('a node that stops renewing its Lease', () => {
  it('is tainted, its pods are evicted, and their replacements are scheduled on a healthy node', async () => {
    for (const name of ['healthy', 'failing']) {
      const allocatable = { cpu: '4', memory: '8Gi', pods: '110' };
      await h.client.create<Node>(NODES, {
        apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } },
        status: { allocatable, capacity: allocatable, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', lastHeartbeatTime: new Date().toISOString() }] },
      });
      await h.client.create<Lease>(LEASES, {
        apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace: 'kube-node-lease' },
        spec: { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTime(new Date()) },
      }, { namespace: 'kube-node-lease' });
      renewing.add(name);
    }
    // Play the kubelets' heartbeat: renew the Leases of the nodes still "alive".
    renewTimer = setInterval(() => {
      for (const name of renewing)
        void h.client.patch(LEASES, name, { spec: { renewTime: microTime(new Date()) } }, 'merge', { namespace: 'kube-node-lease' }).catch(() => undefined);
    }, 300);
    // Pods of the ReplicaSet tolerate the unreachable taint for 1 s only.
    const rs: ReplicaSet = {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'app', namespace: 'default' },
      spec: {
        replicas: 2, selector: { matchLabels: { app: 'app' } },
        template: {
          metadata: { labels: { app: 'app' } },
          spec: {
            containers: [{ name: 'c', image: 'busybox' }],
            nodeSelector: { 'kubernetes.io/hostname': 'failing' },
            tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }],
          },
        },
      },
    };
    await h.client.create(REPLICASETS, rs, { namespace: 'default' });
    scheduler = await startComponentProcess({ bundle: SCHEDULER, args: [`--kubeconfig=${h.kubeconfig}`, '--leader-elect=false', '--log-level=warn'] });
    const first = await until(async () => {
      const pods = await podsOf('app');
      return pods.length === 2 && pods.every((p) => p.spec?.nodeName === 'failing') ? pods : undefined;
    }, 20_000, 'both pods on the failing node');

    // Let the pods go anywhere, then stop the failing node's heartbeat.
    await h.client.patch(REPLICASETS, 'app', { spec: { template: { spec: { nodeSelector: null } } } }, 'merge', { namespace: 'default' });
    renewing.delete('failing');
    const tainted = await until(async () => {
      const n = await h.client.get<Node>(NODES, 'failing');
      return n.spec?.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? n : undefined;
    }, 20_000, 'the unreachable taint');
    expect(tainted.status?.conditions?.find((c) => c.type === 'Ready')?.status).toBe('Unknown');

    const firstUids = new Set(first.map((p) => p.metadata?.uid));
    const replaced = await until(async () => {
      const pods = (await podsOf('app')).filter((p) => !p.metadata?.deletionTimestamp);
      return pods.length === 2 && pods.every((p) => !firstUids.has(p.metadata?.uid) && p.spec?.nodeName === 'healthy') ? pods : undefined;
    }, 30_000, 'two replacement pods on the healthy node');
    expect(replaced.map((p) => p.spec?.nodeName)).toEqual(['healthy', 'healthy']);
  });
});
