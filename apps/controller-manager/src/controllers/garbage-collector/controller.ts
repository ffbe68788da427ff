// The garbage collector (upstream garbagecollector.go + graph_builder.go's monitors): one shared
// informer per resource that can be listed, watched and deleted; their events, in order, feed the
// graph builder; two work queues of graph nodes feed the decisions.
//
// Which resources: the RESOURCES table of @k8ts/api, filtered by verbs. Our API server's
// discovery is generated from that same table and it serves no custom or aggregated resources,
// so asking discovery would return the same list one round trip later; the table is also
// available before the informer factory starts, which is when informers must be asked for.
// Events are left out, as upstream's default ignored resources do.
import { RESOURCES, type ResourceInfo } from '@k8ts/api';
import { isTombstone, WorkQueue, type KubeObject } from '@k8ts/client';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { Logger } from 'pino';
import type { ControllerContext } from '../../controller/context.ts';
import type { Controller } from '../../controller/controller.ts';
import { GraphBuilder, type GraphEvent } from './graph-builder.ts';
import type { GraphNode, Identity } from './graph.ts';
import { ApiGCPort, type GCPort } from './port.ts';
import { GCSync, type Outcome } from './sync.ts';

export const COMPONENT = 'garbage-collector-controller';
/** Upstream --concurrent-gc-syncs. */
export const GC_WORKERS = 20;

const IGNORED = new Set(['/events', 'events.k8s.io/events']);

/** Resources the collector watches: those that support list, watch and delete. */
export const collectedResources = (all: readonly ResourceInfo[] = RESOURCES): ResourceInfo[] =>
  all.filter((r) => ['list', 'watch', 'delete'].every((v) => r.verbs.includes(v as never)) && !IGNORED.has(`${r.group}/${r.plural}`));

const apiVersionOf = (r: ResourceInfo) => (r.group ? `${r.group}/${r.version}` : r.version);

type Obj = KubeObject & { metadata?: ObjectMeta };

export class GarbageCollector implements Controller {
  readonly name = COMPONENT;
  readonly #graph: GraphBuilder;
  readonly #attemptToDelete: WorkQueue<GraphNode>;
  readonly #attemptToOrphan: WorkQueue<GraphNode>;
  readonly #sync: GCSync;
  readonly #log: Logger;
  readonly #workers: number;
  #pending: GraphEvent[] = [];
  #wake: (() => void) | undefined;

  constructor(ctx: ControllerContext, o: { port?: GCPort; workers?: number } = {}) {
    this.#log = ctx.log.child({ controller: COMPONENT });
    this.#workers = o.workers ?? GC_WORKERS;
    this.#attemptToDelete = new WorkQueue<GraphNode>({ clock: ctx.clock });
    this.#attemptToOrphan = new WorkQueue<GraphNode>({ clock: ctx.clock });
    this.#graph = new GraphBuilder({ attemptToDelete: this.#attemptToDelete, attemptToOrphan: this.#attemptToOrphan });
    this.#sync = new GCSync({
      graph: this.#graph,
      port: o.port ?? new ApiGCPort(ctx.client, ctx.recorder(COMPONENT)),
      attemptToDelete: this.#attemptToDelete,
      enqueueVirtualDelete: (identity: Identity) => this.#push({ type: 'delete', identity, meta: {}, virtual: true }),
    });
    for (const r of collectedResources()) this.#monitor(ctx, r);
  }

  #monitor(ctx: ControllerContext, r: ResourceInfo): void {
    const apiVersion = apiVersionOf(r);
    const identity = (o: Obj): Identity => ({
      apiVersion, kind: r.kind, name: o.metadata?.name ?? '', uid: o.metadata?.uid ?? '', namespace: o.metadata?.namespace ?? '',
    });
    ctx.informers.forResource<Obj>(r).addEventHandler({
      onAdd: (o) => this.#push({ type: 'add', identity: identity(o), meta: o.metadata ?? {} }),
      onUpdate: (old, o) => this.#push({ type: 'update', identity: identity(o), meta: o.metadata ?? {}, oldMeta: old.metadata ?? {} }),
      onDelete: (x) => {
        const o = isTombstone(x) ? x.obj : x;
        this.#push({ type: 'delete', identity: identity(o), meta: o.metadata ?? {} });
      },
    });
  }

  #push(e: GraphEvent): void {
    this.#pending.push(e);
    this.#wake?.();
  }

  async run(signal: AbortSignal): Promise<void> {
    const stop = () => {
      this.#attemptToDelete.shutDown();
      this.#attemptToOrphan.shutDown();
      this.#wake?.();
    };
    signal.addEventListener('abort', stop, { once: true });
    // The informers are synced: the first batch is the whole cluster, so the graph is complete
    // before any worker judges an owner absent.
    this.#processGraphChanges();
    const delete_ = (n: GraphNode) => this.#sync.attemptToDelete(n);
    const orphan = async (n: GraphNode): Promise<Outcome> => {
      await this.#sync.attemptToOrphan(n);
      return 'forget';
    };
    await Promise.all([
      this.#graphLoop(signal),
      ...Array.from({ length: this.#workers }, () => this.#work(this.#attemptToDelete, delete_, 'attemptToDelete')),
      ...Array.from({ length: this.#workers }, () => this.#work(this.#attemptToOrphan, orphan, 'attemptToOrphan')),
    ]);
    signal.removeEventListener('abort', stop);
  }

  #processGraphChanges(): void {
    const batch = this.#pending;
    this.#pending = [];
    for (const e of batch) this.#graph.process(e);
  }

  async #graphLoop(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      this.#processGraphChanges();
      if (this.#pending.length > 0) continue;
      await new Promise<void>((resolve) => { this.#wake = resolve; });
      this.#wake = undefined;
    }
  }

  async #work(queue: WorkQueue<GraphNode>, handle: (n: GraphNode) => Promise<Outcome>, what: string): Promise<void> {
    for (;;) {
      const next = await queue.get();
      if (next.shutdown) return;
      const n = next.item;
      try {
        if ((await handle(n)) === 'forget') queue.forget(n);
        else queue.addRateLimited(n);
      } catch (err) {
        this.#log.warn({ queue: what, item: n.identity, err: (err as Error).message }, 'garbage collection failed, will retry');
        queue.addRateLimited(n);
      } finally {
        queue.done(n);
      }
    }
  }
}
