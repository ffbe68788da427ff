// The DaemonSet controller's wiring (upstream's DaemonSetsController): DaemonSet events queue the
// set; pod events record observed creations and deletions against the controlling set's
// expectations and queue it (orphans queue every set that selects them); node events queue the
// sets whose placement on that node changes. Handlers only enqueue.
import { labelSelectorFromObject } from '@k8ts/api';
import { isTombstone, keyOf, objectKey, type DeletedFinalStateUnknown } from '@k8ts/client';
import type { DaemonSet } from 'kubernetes-types/apps/v1';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { controllerOf } from '../../controller/controller-ref.ts';
import { ApiPodControl, type PodControl } from '../../controller/pod-control.ts';
import { ApiDaemonSetPort, type DaemonSetPort } from './ds-client.ts';
import { nodeShouldRunDaemonPod } from './eligibility.ts';
import { DaemonSetSync } from './sync.ts';

export const COMPONENT = 'daemonset-controller';

export interface DaemonSetPorts {
  podControl?: PodControl;
  port?: DaemonSetPort;
}

const unwrap = <T>(x: T | DeletedFinalStateUnknown<T>): T => (isTombstone(x) ? x.obj : x);

export class DaemonSetController implements Controller {
  readonly name = COMPONENT;
  readonly workers: KeyedWorkers;
  readonly syncer: DaemonSetSync;

  constructor(ctx: ControllerContext, ports: DaemonSetPorts = {}) {
    const sets = ctx.informers.for<DaemonSet>('apps', 'v1', 'daemonsets');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    const nodes = ctx.informers.for<Node>('', 'v1', 'nodes');
    const recorder = ctx.recorder(COMPONENT);
    this.workers = new KeyedWorkers({
      name: COMPONENT, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (key) => this.syncer.sync(key),
    });
    this.syncer = new DaemonSetSync({
      sets: sets.lister, nodes: nodes.lister, pods: pods.lister, clock: ctx.clock, recorder,
      podControl: ports.podControl ?? new ApiPodControl(ctx.client, recorder),
      port: ports.port ?? new ApiDaemonSetPort(ctx.client),
      enqueueAfter: (key, ms) => this.workers.enqueueAfter(key, ms),
    });
    const { expectations } = this.syncer;

    const enqueueSet = (s: DaemonSet | DeletedFinalStateUnknown<DaemonSet>) => this.workers.enqueue(isTombstone(s) ? s.key : s);
    sets.addEventHandler({ onAdd: enqueueSet, onUpdate: (_old, cur) => enqueueSet(cur), onDelete: enqueueSet });

    const owner = (pod: Pod): DaemonSet | undefined => {
      const ref = controllerOf(pod);
      if (ref?.kind !== 'DaemonSet') return undefined;
      const ds = sets.lister.get(keyOf(pod.metadata?.namespace, ref.name));
      return ds?.metadata?.uid === ref.uid ? ds : undefined;
    };
    const enqueueSelecting = (pod: Pod) => {
      for (const ds of sets.lister.byNamespace(pod.metadata?.namespace ?? '')) {
        if (labelSelectorFromObject(ds.spec?.selector).matches(pod.metadata?.labels)) this.workers.enqueue(ds);
      }
    };
    const podDeleted = (pod: Pod) => {
      const ds = owner(pod);
      if (!ds) return;
      expectations.deletionObserved(objectKey(ds));
      this.workers.enqueue(ds);
    };
    pods.addEventHandler({
      onAdd: (pod) => {
        // Seen for the first time already being deleted (e.g. after a restart): that is a deletion.
        if (pod.metadata?.deletionTimestamp) return podDeleted(pod);
        const ds = owner(pod);
        if (ds) {
          expectations.creationObserved(objectKey(ds));
          return this.workers.enqueue(ds);
        }
        if (!controllerOf(pod)) enqueueSelecting(pod);
      },
      onUpdate: (old, cur) => {
        if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion) return;
        const oldDs = owner(old);
        const ds = owner(cur);
        if (oldDs && oldDs !== ds) this.workers.enqueue(oldDs);
        if (ds) return this.workers.enqueue(ds);
        if (!controllerOf(cur) && !cur.metadata?.deletionTimestamp) enqueueSelecting(cur);
      },
      onDelete: (p) => podDeleted(unwrap(p)),
    });

    const placementChanged = (old: Node, cur: Node, ds: DaemonSet) => {
      const a = nodeShouldRunDaemonPod(old, ds);
      const b = nodeShouldRunDaemonPod(cur, ds);
      return a.shouldRun !== b.shouldRun || a.shouldContinueRunning !== b.shouldContinueRunning;
    };
    nodes.addEventHandler({
      onAdd: (node) => {
        for (const ds of sets.lister.list()) if (nodeShouldRunDaemonPod(node, ds).shouldRun) this.workers.enqueue(ds);
      },
      onUpdate: (old, cur) => {
        for (const ds of sets.lister.list()) if (placementChanged(old, cur, ds)) this.workers.enqueue(ds);
      },
      // A node gone may leave unscheduled pods pinned to it: every set looks again.
      onDelete: () => {
        for (const ds of sets.lister.list()) this.workers.enqueue(ds);
      },
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.workers.run(signal);
  }
}
