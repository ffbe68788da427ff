// pod-garbage-collector-controller: runs a PodGC pass every gcCheckPeriod (upstream 20 s) on the
// shared pod and node informers; it needs no queue, every pass looks at everything.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { ControllerContext } from '../../controller/context.ts';
import type { Controller } from '../../controller/controller.ts';
import { ApiPodGCPort, type PodGCPort } from './port.ts';
import { PodGC } from './sync.ts';

export interface PodGCControllerOptions {
  /** Between passes (upstream gcCheckPeriod, 20 s). */
  periodMs?: number;
  /** upstream quarantineTime, 40 s. */
  quarantineMs?: number;
  port?: PodGCPort;
}

export class PodGCController implements Controller {
  readonly name = 'pod-garbage-collector-controller';
  readonly gc: PodGC;
  readonly #periodMs: number;

  constructor(private readonly ctx: ControllerContext, o: PodGCControllerOptions = {}) {
    this.#periodMs = o.periodMs ?? 20_000;
    this.gc = new PodGC({
      pods: ctx.informers.for<Pod>('', 'v1', 'pods').lister,
      nodes: ctx.informers.for<Node>('', 'v1', 'nodes').lister,
      clock: ctx.clock,
      port: o.port ?? new ApiPodGCPort(ctx.client),
      terminatedPodThreshold: ctx.config.terminatedPodGCThreshold,
      quarantineMs: o.quarantineMs ?? 40_000,
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      for (const err of await this.gc.gc()) this.ctx.log.warn({ controller: this.name, err: err.message }, 'pod garbage collection failed');
      try {
        await this.ctx.clock.sleep(this.#periodMs, signal);
      } catch {
        return;
      }
    }
  }
}
