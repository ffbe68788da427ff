// Two real controller-manager processes (the built bundle) on one real control plane: one
// leads; killing it (SIGKILL: the Lease is not released) hands over within the lease duration,
// and the new leader neither duplicates the pods the old one created nor loses a scale-up made
// meanwhile. Then the API server is killed and restarted, and the controllers carry on.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFor } from '@k8ts/api';
import { Client, type Lease } from '@k8ts/client';
import { type ComponentProcess, type ControlPlane, startComponentProcess, startControlPlane, writeTestKubeconfig } from '@k8ts/testing';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { PODS, until } from './harness.ts';

const BUNDLE = fileURLToPath(new URL('../../dist/main.mjs', import.meta.url));
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
const REPLICASETS = resourceFor('apps', 'v1', 'replicasets')!;
const LEASE_SECONDS = 4;

interface Proc { identity: string; process: ComponentProcess }

let cp: ControlPlane;
let dir: string;
let client: Client;
const procs: Proc[] = [];

async function startManager(identity: string, kubeconfig: string): Promise<Proc> {
  const p = {
    identity,
    process: await startComponentProcess({
      bundle: BUNDLE,
      readyPath: '/healthz',
      args: [
        `--kubeconfig=${kubeconfig}`, `--identity=${identity}`, '--log-level=warn', '--controllers=replicaset',
        `--leader-elect-lease-duration=${LEASE_SECONDS}s`, '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s',
      ],
    }),
  };
  procs.push(p);
  return p;
}

const holder = async () => (await client.get<Lease>(LEASES, 'kube-controller-manager', 'kube-system').catch(() => undefined))?.spec?.holderIdentity;
const livePods = async () => (await client.list<Pod>(PODS, { namespace: 'default', labelSelector: 'app=web' })).items.filter((p) => !p.metadata?.deletionTimestamp);

/** Waits until exactly `n` pods exist; while scaling up, fails at once if there are ever more. */
async function exactly(n: number, what: string, o: { growing: boolean } = { growing: true }) {
  await until(async () => {
    const count = (await livePods()).length;
    if (o.growing && count > n) throw new Error(`${count} pods exist, more than the ${n} wanted: a duplicate`);
    return count === n;
  }, 30_000, what);
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: build first (npm test does)`);
  cp = await startControlPlane();
  dir = await mkdtemp(join(tmpdir(), 'k8ts-kcm-'));
  client = new Client({ config: { server: cp.url }, qps: 1000, burst: 1000 });
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.process.kill()));
  client?.close();
  await cp?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('two controller-manager processes', () => {
  it('one leads; killing it hands over within the lease duration with no duplicate pods', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeTestKubeconfig(kubeconfig, cp.url);
    await startManager('kcm-a', kubeconfig);
    await startManager('kcm-b', kubeconfig);
    const leaderId = await until(holder, 15_000, 'a leader');
    await client.create(REPLICASETS, {
      apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web', namespace: 'default' },
      spec: { replicas: 5, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } } },
    }, { namespace: 'default' });
    await exactly(5, '5 pods from the first leader');

    const killedAt = Date.now();
    await procs.find((p) => p.identity === leaderId)!.process.kill();
    await client.patch<ReplicaSet>(REPLICASETS, 'web', { spec: { replicas: 8 } }, 'merge', { namespace: 'default' });
    const newLeader = await until(async () => {
      const h = await holder();
      return h && h !== leaderId ? h : undefined;
    }, 15_000, 'a new leader');
    expect(Date.now() - killedAt).toBeLessThan((LEASE_SECONDS + 3) * 1000);
    expect(newLeader).not.toBe(leaderId);
    await exactly(8, '8 pods after the hand-over');
    // Give the new leader time to act twice on stale data, if it were going to.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await livePods()).toHaveLength(8);
  });

  it('carries on after the API server is killed and restarted', async () => {
    await cp.killApiServer();
    await new Promise((r) => setTimeout(r, 500));
    await cp.startApiServer();
    await until(async () => {
      try {
        await client.patch<ReplicaSet>(REPLICASETS, 'web', { spec: { replicas: 3 } }, 'merge', { namespace: 'default' });
        return true;
      } catch {
        return false;
      }
    }, 15_000, 'the API server to take the scale-down');
    await exactly(3, '3 pods after the restart', { growing: false });
  });
});
