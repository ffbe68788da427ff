// The Deployment controller's wiring: the shared Deployment, ReplicaSet and Pod informers feed
// the handlers, which queue Deployment keys; workers sync each key through the client port.
import type { Clock, EventRecorder, Informer } from '@k8ts/client';
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { Logger } from 'pino';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { ControllerMetrics } from '../../controller/metrics.ts';
import { ApiDeploymentClient, type DeploymentClient } from './client.ts';
import type { SyncDeps } from './deps.ts';
import { DeploymentHandlers } from './handlers.ts';
import { syncDeployment } from './sync.ts';

/** upstream's controller name, also the event source component. */
export const NAME = 'deployment-controller';

export interface DeploymentControllerOptions {
  deployments: Informer<Deployment>;
  replicaSets: Informer<ReplicaSet>;
  pods: Informer<Pod>;
  client: DeploymentClient;
  recorder: Pick<EventRecorder, 'event'>;
  clock: Clock;
  log: Logger;
  metrics: ControllerMetrics;
  /** upstream --concurrent-deployment-syncs (default 5). */
  workers: number;
}

export class DeploymentController implements Controller {
  readonly name = NAME;
  readonly workers: KeyedWorkers;
  readonly #deps: SyncDeps;

  constructor(o: DeploymentControllerOptions) {
    this.workers = new KeyedWorkers({
      name: 'deployment', clock: o.clock, log: o.log, metrics: o.metrics, workers: o.workers,
      sync: (key) => syncDeployment(this.#deps, key),
    });
    this.#deps = {
      deployments: o.deployments.lister,
      replicaSets: o.replicaSets.lister,
      pods: o.pods.lister,
      client: o.client,
      recorder: o.recorder,
      clock: o.clock,
      enqueueAfter: (key, ms) => this.workers.enqueueAfter(key, ms),
      enqueueRateLimited: (key) => this.workers.queue.addRateLimited(key),
    };
    const h = new DeploymentHandlers({
      deployments: o.deployments.lister, replicaSets: o.replicaSets.lister, pods: o.pods.lister,
      enqueue: (key) => this.workers.enqueue(key),
    });
    o.deployments.addEventHandler({ onAdd: (d) => h.deployment(d), onUpdate: (_old, d) => h.deployment(d), onDelete: (d) => h.deployment(d) });
    o.replicaSets.addEventHandler({
      onAdd: (rs) => h.addReplicaSet(rs),
      onUpdate: (old, cur) => h.updateReplicaSet(old, cur),
      onDelete: (rs) => h.deleteReplicaSet(rs),
    });
    o.pods.addEventHandler({ onDelete: (pod) => h.deletePod(pod) });
  }

  static fromContext(ctx: ControllerContext): DeploymentController {
    return new DeploymentController({
      deployments: ctx.informers.for<Deployment>('apps', 'v1', 'deployments'),
      replicaSets: ctx.informers.for<ReplicaSet>('apps', 'v1', 'replicasets'),
      pods: ctx.informers.for<Pod>('', 'v1', 'pods'),
      client: new ApiDeploymentClient(ctx.client),
      recorder: ctx.recorder(NAME),
      clock: ctx.clock,
      log: ctx.log.child({ controller: NAME }),
      metrics: ctx.metrics,
      workers: ctx.config.concurrentSyncs,
    });
  }

  /** One sync of `key`, as a worker would run it (for tests and debugging). */
  sync(key: string): Promise<void> {
    return syncDeployment(this.#deps, key);
  }

  run(signal: AbortSignal): Promise<void> {
    return this.workers.run(signal);
  }
}
