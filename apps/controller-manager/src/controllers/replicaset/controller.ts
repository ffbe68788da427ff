// The ReplicaSet controller's wiring: the shared ReplicaSet and Pod informers feed the handlers,
// which queue ReplicaSet keys; workers sync each key through the pod and ReplicaSet ports.
import type { Clock, Informer } from '@k8ts/client';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Logger } from 'pino';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { UIDTrackingExpectations } from '../../controller/expectations.ts';
import type { ControllerMetrics } from '../../controller/metrics.ts';
import { ApiPodControl, type PodControl } from '../../controller/pod-control.ts';
import { ReplicaSetHandlers } from './handlers.ts';
import { ApiReplicaSetClient, type ReplicaSetClient } from './rs-client.ts';
import { syncReplicaSet, type SyncDeps } from './sync.ts';

/** upstream's controller name, also the event source component. */
export const NAME = 'replicaset-controller';

export interface ReplicaSetControllerOptions {
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  podControl: PodControl;
  rsClient: ReplicaSetClient;
  clock: Clock;
  log: Logger;
  metrics: ControllerMetrics;
  /** upstream --concurrent-replicaset-syncs (default 5). */
  workers: number;
  burstReplicas?: number;
}

export class ReplicaSetController implements Controller {
  readonly name = NAME;
  readonly workers: KeyedWorkers;
  readonly expectations: UIDTrackingExpectations;
  readonly #deps: SyncDeps;

  constructor(o: ReplicaSetControllerOptions) {
    this.expectations = new UIDTrackingExpectations(o.clock);
    this.workers = new KeyedWorkers({
      name: 'replicaset', clock: o.clock, log: o.log, metrics: o.metrics, workers: o.workers,
      sync: (key) => syncReplicaSet(this.#deps, key),
    });
    this.#deps = {
      replicaSets: o.replicaSets.lister,
      pods: o.pods.lister,
      podControl: o.podControl,
      rsClient: o.rsClient,
      expectations: this.expectations,
      clock: o.clock,
      enqueueAfter: (key, ms) => this.workers.enqueueAfter(key, ms),
      ...(o.burstReplicas !== undefined ? { burstReplicas: o.burstReplicas } : {}),
    };
    const h = new ReplicaSetHandlers({
      replicaSets: o.replicaSets.lister,
      expectations: this.expectations,
      enqueue: (key) => this.workers.enqueue(key),
      enqueueAfter: (key, ms) => this.workers.enqueueAfter(key, ms),
    });
    o.replicaSets.addEventHandler({
      onAdd: (rs) => h.addReplicaSet(rs),
      onUpdate: (old, cur) => h.updateReplicaSet(old, cur),
      onDelete: (rs) => h.deleteReplicaSet(rs),
    });
    o.pods.addEventHandler({
      onAdd: (pod) => h.addPod(pod),
      onUpdate: (old, cur) => h.updatePod(old, cur),
      onDelete: (pod) => h.deletePod(pod),
    });
  }

  static fromContext(ctx: ControllerContext): ReplicaSetController {
    return new ReplicaSetController({
      replicaSets: ctx.informers.for<ReplicaSet>('apps', 'v1', 'replicasets'),
      pods: ctx.informers.for<Pod>('', 'v1', 'pods'),
      podControl: new ApiPodControl(ctx.client, ctx.recorder(NAME)),
      rsClient: new ApiReplicaSetClient(ctx.client),
      clock: ctx.clock,
      log: ctx.log.child({ controller: NAME }),
      metrics: ctx.metrics,
      workers: ctx.config.concurrentSyncs,
    });
  }

  /** One sync of `key`, as a worker would run it (for tests and debugging). */
  sync(key: string): Promise<void> {
    return syncReplicaSet(this.#deps, key);
  }

  run(signal: AbortSignal): Promise<void> {
    return this.workers.run(signal);
  }
}
