// Two real scheduler processes (the built bundle) on one real control plane: one leads, the
// other waits on the Lease; killing the leader (SIGKILL: no release) hands over within the lease
// duration, and no pod is bound twice. Then the API server itself is killed and restarted: the
// scheduler relists/resumes and keeps scheduling.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resourceFor } from '@k8ts/api';
import { Client, type Lease } from '@k8ts/client';
import { type ComponentProcess, type ControlPlane, startComponentProcess, startControlPlane, writeTestKubeconfig } from '@k8ts/testing';
import type { Event, Pod } from 'kubernetes-types/core/v1';
import { bound, EVENTS, NODES, pod, PODS, until } from './harness.ts';

const BUNDLE = fileURLToPath(new URL('../../dist/main.mjs', import.meta.url));
const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases')!;
const LEASE_SECONDS = 4;

interface Proc { identity: string; process: ComponentProcess }

let cp: ControlPlane;
let dir: string;
let client: Client;
const procs: Proc[] = [];

async function startScheduler(identity: string, kubeconfig: string): Promise<Proc> {
  const p = {
    identity,
    process: await startComponentProcess({
      bundle: BUNDLE,
      args: [
        `--kubeconfig=${kubeconfig}`, `--identity=${identity}`, '--log-level=warn',
        `--leader-elect-lease-duration=${LEASE_SECONDS}s`, '--leader-elect-renew-deadline=3s', '--leader-elect-retry-period=1s',
      ],
    }),
  };
  procs.push(p);
  return p;
}

/** Scheduled events per pod name (counting repeats of one event). */
async function scheduledEvents(): Promise<Map<string, number>> {
  const events = (await client.list<Event>(EVENTS, { namespace: 'default' })).items.filter((e) => e.reason === 'Scheduled');
  const perPod = new Map<string, number>();
  for (const e of events) perPod.set(e.involvedObject.name!, (perPod.get(e.involvedObject.name!) ?? 0) + (e.count ?? 1));
  return perPod;
}

const holder = async () => (await client.get<Lease>(LEASES, 'kube-scheduler', 'kube-system').catch(() => undefined))?.spec?.holderIdentity;

async function createAndWait(names: string[]) {
  for (const n of names) await client.create(PODS, pod(n, { cpu: '100m' }), { namespace: 'default' });
  await until(async () => {
    const items = (await client.list<Pod>(PODS, { namespace: 'default' })).items;
    return names.every((n) => items.some((p) => p.metadata?.name === n && bound(p)));
  }, 30_000, `pods ${names[0]}… to be bound`);
}

beforeAll(async () => {
  if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: build first (npm test does)`);
  cp = await startControlPlane();
  dir = await mkdtemp(join(tmpdir(), 'k8ts-sched-'));
  client = new Client({ config: { server: cp.url }, qps: 1000, burst: 1000 });
  for (const n of ['n1', 'n2']) {
    const allocatable = { cpu: '8', memory: '16Gi', pods: '110' };
    await client.create(NODES, { apiVersion: 'v1', kind: 'Node', metadata: { name: n }, status: { allocatable, capacity: allocatable } });
  }
});

afterAll(async () => {
  await Promise.all(procs.map((p) => p.process.kill()));
  client?.close();
  await cp?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('two scheduler processes', () => {
  it('one leads; killing it hands over within the lease duration, and no pod is bound twice', async () => {
    const kubeconfig = join(dir, 'kubeconfig');
    await writeTestKubeconfig(kubeconfig, cp.url);
    await startScheduler('sched-a', kubeconfig);
    await startScheduler('sched-b', kubeconfig);
    const leaderId = await until(holder, 15_000, 'a leader');
    await createAndWait(Array.from({ length: 10 }, (_, i) => `before-${i}`));
    // Events are written after the binding, in the background: let the leader finish them, so
    // that a kill loses none and each pod's count below speaks only of bindings.
    await until(async () => (await scheduledEvents()).size === 10, 10_000, 'the first Scheduled events');

    const leader = procs.find((p) => p.identity === leaderId)!;
    const killedAt = Date.now();
    await leader.process.kill();
    await createAndWait(Array.from({ length: 10 }, (_, i) => `after-${i}`));
    const newLeader = await until(async () => {
      const h = await holder();
      return h && h !== leaderId ? h : undefined;
    }, 15_000, 'a new leader');
    const handoverMs = Date.now() - killedAt;
    expect(newLeader).not.toBe(leaderId);
    // The Lease expires LEASE_SECONDS after the last renewal; the standby retries every second.
    expect(handoverMs).toBeLessThan((LEASE_SECONDS + 3) * 1000);

    const perPod = await until(async () => {
      const m = await scheduledEvents();
      return m.size === 20 ? m : undefined;
    }, 10_000, 'a Scheduled event for every pod');
    expect(perPod.size).toBe(20);
    expect([...perPod.values()].every((n) => n === 1)).toBe(true);
  });

  it('carries on after the API server is killed and restarted', async () => {
    await cp.killApiServer();
    await new Promise((r) => setTimeout(r, 500));
    await cp.startApiServer();
    await createAndWait(Array.from({ length: 5 }, (_, i) => `restart-${i}`));
  });
});
