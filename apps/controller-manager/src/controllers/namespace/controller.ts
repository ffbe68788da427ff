// The namespace controller (upstream's pkg/controller/namespace): namespaces with a deletion
// timestamp are queued — after a short delay, so that objects created at the last moment
// (through another API server, in a real cluster) are seen too — and synced until the
// namespace is released. Content still going away is waited for with upstream's estimate:
// half the seconds it may take, plus one.
import type { Namespace } from 'kubernetes-types/core/v1';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { ControllerContext } from '../../controller/context.ts';
import { ApiContentPort, type ContentPort, type NamespacePort } from './content-port.ts';
import { NamespaceSync, remainingMessage } from './sync.ts';

/** Upstream's namespaceDeletionGracePeriod. */
export const DELETION_DELAY_MS = 5_000;

export interface NamespaceControllerOptions {
  deletionDelayMs?: number;
  port?: ContentPort & NamespacePort;
}

export class NamespaceController implements Controller {
  readonly name = 'namespace-controller';
  readonly sync: NamespaceSync;
  readonly #workers: KeyedWorkers;

  constructor(ctx: ControllerContext, o: NamespaceControllerOptions = {}) {
    const port = o.port ?? new ApiContentPort(ctx.client);
    const delay = o.deletionDelayMs ?? DELETION_DELAY_MS;
    this.sync = new NamespaceSync({ namespaces: port, content: port, now: () => ctx.clock.now(), log: ctx.log });
    this.#workers = new KeyedWorkers({
      name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: async (key) => {
        const { remainingSeconds } = await this.sync.sync(key);
        if (remainingSeconds) {
          ctx.log.debug({ namespace: key }, remainingMessage(remainingSeconds));
          this.#workers.enqueueAfter(key, (Math.floor(remainingSeconds / 2) + 1) * 1000);
        }
      },
    });
    const enqueue = (ns: Namespace) => {
      if (ns.metadata?.deletionTimestamp) this.#workers.enqueueAfter(ns, delay);
    };
    ctx.informers.for<Namespace>('', 'v1', 'namespaces').addEventHandler({ onAdd: enqueue, onUpdate: (_o, ns) => enqueue(ns) });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
