// disruption-controller: keeps every PodDisruptionBudget's status current. Budget events queue the
// budget; pod events queue every budget in the pod's namespace whose selector matches the pod
// before or after the change, and pods carrying a DisruptionTarget condition for the stale check.
import { isTombstone } from '@k8ts/client';
import type { Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { ApiDisruptionPort } from './port.ts';
import { staleDisruption } from './stale-disruption.ts';
import { DisruptionSync, type DisruptionPort } from './sync.ts';

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  readonly syncer: DisruptionSync;
  readonly #workers: KeyedWorkers;
  readonly #staleWorkers: KeyedWorkers;

  constructor(ctx: ControllerContext, port?: DisruptionPort) {
    const pdbs = ctx.informers.for<PodDisruptionBudget>('policy', 'v1', 'poddisruptionbudgets');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    const common = { clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs };
    this.#workers = new KeyedWorkers({ ...common, name: this.name, sync: (k) => this.syncer.sync(k) });
    this.#staleWorkers = new KeyedWorkers({ ...common, name: 'disruption-stale-pods', sync: (k) => this.syncer.syncStalePod(k) });
    this.syncer = new DisruptionSync({
      pdbs: pdbs.lister,
      pods: pods.lister,
      replicaSets: ctx.informers.for<ReplicaSet>('apps', 'v1', 'replicasets').lister,
      deployments: ctx.informers.for<Deployment>('apps', 'v1', 'deployments').lister,
      statefulSets: ctx.informers.for<StatefulSet>('apps', 'v1', 'statefulsets').lister,
      clock: ctx.clock,
      port: port ?? new ApiDisruptionPort(ctx.client, ctx.recorder('controllermanager')),
      requeueAfter: (key, ms) => this.#workers.enqueueAfter(key, ms),
      requeuePodAfter: (key, ms) => this.#staleWorkers.enqueueAfter(key, ms),
    });
    pdbs.addEventHandler({
      onAdd: (p) => this.#workers.enqueue(p),
      onUpdate: (_o, p) => this.#workers.enqueue(p),
      onDelete: (p) => this.#workers.enqueue(isTombstone(p) ? p.key : p),
    });
    const forPod = (...ps: Pod[]) => {
      for (const p of ps) for (const pdb of this.syncer.budgetsFor(p)) this.#workers.enqueue(pdb);
    };
    const checkStale = (p: Pod) => {
      if (staleDisruption(p, ctx.clock.now()).has) this.#staleWorkers.enqueue(p);
    };
    pods.addEventHandler({
      onAdd: (p) => {
        forPod(p);
        checkStale(p);
      },
      onUpdate: (o, p) => {
        forPod(o, p);
        checkStale(p);
      },
      onDelete: (p) => forPod(isTombstone(p) ? p.obj : p),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#workers.run(signal), this.#staleWorkers.run(signal)]);
  }
}
