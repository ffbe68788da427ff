// node-lifecycle-controller: watches node health on a timer and keeps the node's taints in line
// with its conditions; pod events only queue the pod for the not-ready check, node events the node
// for its NoSchedule taints.
import { isTombstone } from '@k8ts/client';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { Lease } from './health.ts';
import { ensurePodNodeIndex } from './pod-index.ts';
import { ApiNodeLifecyclePort } from './port.ts';
import { NodeLifecycleSync, type NodeLifecyclePort } from './sync.ts';

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  readonly syncer: NodeLifecycleSync;
  readonly #nodeWorkers: KeyedWorkers;
  readonly #podWorkers: KeyedWorkers;

  constructor(private readonly ctx: ControllerContext, port?: NodeLifecyclePort) {
    const nodes = ctx.informers.for<Node>('', 'v1', 'nodes');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    const leases = ctx.informers.for<Lease & { metadata?: { name?: string } }>('coordination.k8s.io', 'v1', 'leases');
    ensurePodNodeIndex(pods.lister);
    this.syncer = new NodeLifecycleSync({
      nodes: nodes.lister, pods: pods.lister, leases: leases.lister, clock: ctx.clock,
      gracePeriodMs: ctx.config.nodeMonitorGracePeriodMs, startupGracePeriodMs: ctx.config.nodeStartupGracePeriodMs,
      port: port ?? new ApiNodeLifecyclePort(ctx.client, ctx.recorder('node-controller')),
    });
    const common = { clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs };
    this.#nodeWorkers = new KeyedWorkers({ ...common, name: 'node-lifecycle-nodes', sync: (k) => this.syncer.syncNode(k) });
    this.#podWorkers = new KeyedWorkers({ ...common, name: 'node-lifecycle-pods', sync: (k) => this.syncer.syncPod(k) });
    nodes.addEventHandler({ onAdd: (n) => this.#nodeWorkers.enqueue(n), onUpdate: (_o, n) => this.#nodeWorkers.enqueue(n) });
    pods.addEventHandler({
      onAdd: (p) => this.#podWorkers.enqueue(p),
      onUpdate: (_o, p) => this.#podWorkers.enqueue(p),
      onDelete: (p) => this.#podWorkers.enqueue(isTombstone(p) ? p.key : p),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#nodeWorkers.run(signal), this.#podWorkers.run(signal), this.#monitor(signal)]);
  }

  async #monitor(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      for (const err of await this.syncer.monitor())
        this.ctx.log.warn({ controller: this.name, err: err.message }, 'monitoring node health failed, retrying next period');
      try {
        await this.ctx.clock.sleep(this.ctx.config.nodeMonitorPeriodMs, signal);
      } catch {
        return;
      }
    }
  }
}
