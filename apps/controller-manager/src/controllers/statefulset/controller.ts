// The StatefulSet controller's wiring (upstream's StatefulSetController): set events queue the
// set; pod events queue the set that controls the pod, or — for an orphan — every set whose
// selector matches it, so it can be adopted. Handlers only enqueue.
import { labelSelectorFromObject } from '@k8ts/api';
import { isTombstone, keyOf, type DeletedFinalStateUnknown } from '@k8ts/client';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { controllerOf } from '../../controller/controller-ref.ts';
import { ApiStatefulSetPort, type StatefulSetPort } from './stateful-pod-control.ts';
import { StatefulSetSync } from './sync.ts';

export const COMPONENT = 'statefulset-controller';

export class StatefulSetController implements Controller {
  readonly name = COMPONENT;
  readonly workers: KeyedWorkers;
  readonly syncer: StatefulSetSync;

  constructor(ctx: ControllerContext, port?: StatefulSetPort) {
    const sets = ctx.informers.for<StatefulSet>('apps', 'v1', 'statefulsets');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    this.workers = new KeyedWorkers({
      name: COMPONENT, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (key) => this.syncer.sync(key),
    });
    this.syncer = new StatefulSetSync({
      sets: sets.lister, pods: pods.lister, clock: ctx.clock,
      port: port ?? new ApiStatefulSetPort(ctx.client, ctx.recorder(COMPONENT)),
      enqueueAfter: (key, ms) => this.workers.enqueueAfter(key, ms),
    });

    const enqueueSet = (s: StatefulSet | DeletedFinalStateUnknown<StatefulSet>) => this.workers.enqueue(isTombstone(s) ? s.key : s);
    sets.addEventHandler({ onAdd: enqueueSet, onUpdate: (_old, cur) => enqueueSet(cur), onDelete: enqueueSet });

    /** The set controlling `pod` through its ownerReference, if that set exists with that uid. */
    const owner = (pod: Pod): StatefulSet | undefined => {
      const ref = controllerOf(pod);
      if (ref?.kind !== 'StatefulSet') return undefined;
      const set = sets.lister.get(keyOf(pod.metadata?.namespace, ref.name));
      return set?.metadata?.uid === ref.uid ? set : undefined;
    };
    const enqueueFor = (pod: Pod) => {
      const set = owner(pod);
      if (set) return this.workers.enqueue(set);
      if (controllerOf(pod) || pod.metadata?.deletionTimestamp) return;
      for (const s of sets.lister.byNamespace(pod.metadata?.namespace ?? '')) {
        if (labelSelectorFromObject(s.spec?.selector).matches(pod.metadata?.labels)) this.workers.enqueue(s);
      }
    };
    pods.addEventHandler({
      onAdd: enqueueFor,
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const oldSet = owner(old);
        if (oldSet && oldSet !== owner(cur)) this.workers.enqueue(oldSet);
        enqueueFor(cur);
      },
      onDelete: (p) => {
        const set = owner(isTombstone(p) ? p.obj : p);
        if (set) this.workers.enqueue(set);
      },
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.workers.run(signal);
  }
}
