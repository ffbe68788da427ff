// taint-eviction-controller: node and pod events re-evaluate the pods concerned (cheap, in
// memory, on the informer's loop: it only sets or clears timers); pods that fall due are deleted
// by workers, so a failed deletion is retried with back-off.
import { isTombstone } from '@k8ts/client';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import { ApiEvictionPort } from './eviction-port.ts';
import { ensurePodNodeIndex } from './pod-index.ts';
import { TaintEviction, type EvictionPort } from './taint-eviction.ts';

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  readonly eviction: TaintEviction;
  readonly #workers: KeyedWorkers;

  constructor(ctx: ControllerContext, port?: EvictionPort) {
    const nodes = ctx.informers.for<Node>('', 'v1', 'nodes');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    ensurePodNodeIndex(pods.lister);
    this.#workers = new KeyedWorkers({
      name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (k) => this.eviction.evictDue(k),
    });
    this.eviction = new TaintEviction({
      pods: pods.lister, nodes: nodes.lister, clock: ctx.clock,
      port: port ?? new ApiEvictionPort(ctx.client, ctx.recorder('taint-eviction-controller')),
      onDue: (key) => this.#workers.enqueue(key),
    });
    const nodeName = (n: Node | { key: string }) => ('key' in n ? n.key : n.metadata?.name ?? '');
    nodes.addEventHandler({
      onAdd: (n) => this.eviction.evaluateNode(nodeName(n)),
      onUpdate: (_o, n) => this.eviction.evaluateNode(nodeName(n)),
      onDelete: (n) => this.eviction.evaluateNode(isTombstone(n) ? n.key : nodeName(n)),
    });
    const podKey = (p: Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;
    pods.addEventHandler({
      onAdd: (p) => this.eviction.evaluatePod(podKey(p)),
      onUpdate: (_o, p) => this.eviction.evaluatePod(podKey(p)),
      onDelete: (p) => this.eviction.evaluatePod(isTombstone(p) ? p.key : podKey(p)),
    });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
