// Integration harness: a real etcd and API server (packages/testing), the chosen controllers
// running in this process against them, and a fake kubelet that does what a node agent would do
// for pods: mark them Running and Ready (with a pod IP), and finish their graceful deletion.
// Controllers under test cannot tell it from a real kubelet; the scheduler is not needed.
import { resourceFor } from '@k8ts/api';
import { Client, Informer, type Clock } from '@k8ts/client';
import { startControlPlane, testKubectl, until, type ControlPlane } from '@k8ts/testing';
import type { Pod } from 'kubernetes-types/core/v1';
import { pino } from 'pino';
import { DEFAULT_CONFIG, type ControllerConfig } from '../controller/context.ts';
import { controllerMetrics } from '../controller/metrics.ts';
import type { ControllerDescriptor } from '../controller/registry.ts';
import { ControllerManager } from '../manager.ts';

export const PODS = resourceFor('', 'v1', 'pods')!;

export interface Harness {
  cp: ControlPlane;
  client: Client;
  manager: ControllerManager;
  /** A kubeconfig for this control plane (for kubectl and component processes). */
  kubeconfig: string;
  /** /usr/bin/kubectl against this control plane; resolves with stdout. */
  kubectl(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

export { until };

export interface HarnessOptions {
  descriptors: readonly ControllerDescriptor[];
  /** The --controllers flag; default every descriptor given. */
  controllers?: readonly string[];
  config?: Partial<ControllerConfig>;
  /** Run the fake kubelet (default true). */
  kubelet?: boolean;
  clock?: Clock;
  apiserverArgs?: string[];
}

/** A pod as a kubelet would report it once its containers run and pass their readiness probe. */
export function readyStatus(pod: Pod, now: Date): Pod['status'] {
  const t = now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const n = Number.parseInt((pod.metadata?.uid ?? '0').replace(/[^0-9a-f]/g, '').slice(0, 4) || '0', 16);
  return {
    phase: 'Running',
    podIP: `10.244.${(n >> 8) & 255}.${n & 255}`,
    podIPs: [{ ip: `10.244.${(n >> 8) & 255}.${n & 255}` }],
    startTime: t,
    conditions: ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True', lastTransitionTime: t })),
  };
}

/** Marks every pod Ready and removes pods whose deletion was requested, as a kubelet would. */
function startFakeKubelet(client: Client, signal: AbortSignal, now: () => Date): void {
  const pods = new Informer<Pod>({ client, resource: PODS });
  const handle = async (pod: Pod) => {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    try {
      if (pod.metadata?.deletionTimestamp) await client.delete(PODS, name, { namespace: ns, gracePeriodSeconds: 0 });
      else if (!pod.status?.conditions?.some((c) => c.type === 'Ready') && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed')
        await client.patch(PODS, name, { status: readyStatus(pod, now()) }, 'merge', { namespace: ns, subresource: 'status' });
    } catch { /* gone meanwhile, or a conflict: the next event retries */ }
  };
  pods.addEventHandler({ onAdd: (p) => void handle(p), onUpdate: (_o, p) => void handle(p) });
  void pods.start(signal);
}

export async function startHarness(o: HarnessOptions): Promise<Harness> {
  const cp = await startControlPlane(o.apiserverArgs ? { apiserverArgs: o.apiserverArgs } : {});
  const client = new Client({ config: { server: cp.url }, qps: 5000, burst: 5000 });
  const ac = new AbortController();
  const manager = new ControllerManager({
    client,
    log: pino({ level: process.env.K8TS_TEST_LOG ?? 'silent' }),
    metrics: controllerMetrics(),
    config: { ...DEFAULT_CONFIG, ...(o.config ?? {}) },
    controllers: o.controllers ?? o.descriptors.map((d) => d.name),
    descriptors: o.descriptors,
    identity: 'test-controller-manager',
    ...(o.clock ? { clock: o.clock } : {}),
  });
  const running = manager.run(ac.signal);
  if (o.kubelet !== false) startFakeKubelet(client, ac.signal, () => new Date());
  await until(async () => manager.ready(), 20_000, 'controllers to sync');
  const k = await testKubectl(cp.url);
  return {
    cp, client, manager,
    kubeconfig: k.kubeconfig,
    kubectl: (...args) => k.run(...args),
    async stop() {
      ac.abort();
      await running.catch(() => undefined);
      client.close();
      await cp.stop();
      await k.close();
    },
  };
}
