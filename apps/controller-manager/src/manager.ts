// The controller manager (upstream's kube-controller-manager Run): while this instance leads,
// it builds the selected controllers on fresh shared informers, starts the informers, waits for
// their first lists, then runs every controller; when leadership ends, all of it stops, and a
// later term starts again from scratch — never acting on a previous term's queues.
import { EventRecorder, LeaderElector, leasePort, realClock, type Client, type Clock, type LeaderElectionConfig } from '@k8ts/client';
import { setMaxListeners } from 'node:events';
import type { Logger } from 'pino';
import type { ControllerConfig, ControllerContext } from './controller/context.ts';
import { InformerFactory } from './controller/informers.ts';
import type { ControllerMetrics } from './controller/metrics.ts';
import { selectControllers, type ControllerDescriptor } from './controller/registry.ts';

export interface ManagerOptions {
  client: Client;
  log: Logger;
  metrics: ControllerMetrics;
  config: ControllerConfig;
  /** The --controllers flag, e.g. ['*'] or ['*', '-job']. */
  controllers: readonly string[];
  descriptors: readonly ControllerDescriptor[];
  identity: string;
  leaderElection?: LeaderElectionConfig;
  clock?: Clock;
}

export class ControllerManager {
  readonly #o: ManagerOptions & { clock: Clock };
  readonly #selected: ControllerDescriptor[];
  #synced = false;

  constructor(opts: ManagerOptions) {
    this.#o = { clock: realClock, ...opts };
    this.#selected = selectControllers(opts.controllers, opts.descriptors);
  }

  /** Names of the controllers this instance runs while leading. */
  get controllers(): string[] {
    return this.#selected.map((d) => d.name);
  }

  /** True while leading with every informer synced (or while standing by, healthy). */
  ready(): boolean {
    return this.#synced || this.#o.leaderElection !== undefined;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { log, leaderElection: le, clock } = this.#o;
    if (!le) return this.#lead(signal);
    const elector = new LeaderElector({
      port: leasePort(this.#o.client),
      ...le,
      identity: this.#o.identity,
      clock,
      releaseOnCancel: true,
      callbacks: {
        onStartedLeading: (leading) => {
          log.info({ identity: this.#o.identity }, 'became leader: starting controllers');
          this.#o.metrics.leader.set(1);
          void this.#lead(leading);
        },
        onStoppedLeading: () => {
          this.#o.metrics.leader.set(0);
          log.info({ identity: this.#o.identity }, 'stopped leading');
        },
        onNewLeader: (id) => log.info({ leader: id }, 'leader observed'),
      },
    });
    await elector.campaign(signal);
  }

  async #lead(signal: AbortSignal): Promise<void> {
    const { client, log, metrics, config, clock } = this.#o;
    setMaxListeners(0, signal);
    const informers = new InformerFactory({
      client, clock, onError: (resource, err) => log.warn({ resource, err: (err as Error).message }, 'informer retrying'),
    });
    const ctx: ControllerContext = {
      client, informers, clock, log, metrics, config,
      recorder: (component) => new EventRecorder({
        client, component, instance: this.#o.identity, clock, onError: (err) => log.debug({ err: (err as Error).message }, 'event not recorded'),
      }),
    };
    const controllers = this.#selected.map((d) => d.init(ctx));
    const informing = informers.start(signal);
    try {
      await informers.waitForSync(signal);
    } catch {
      return; // aborted before the caches filled
    }
    this.#synced = true;
    log.info({ controllers: controllers.map((c) => c.name) }, 'caches synced, controllers running');
    await Promise.all(controllers.map((c) => c.run(signal).catch((err: unknown) => {
      log.error({ controller: c.name, err: (err as Error).stack }, 'controller stopped with an error');
    })));
    this.#synced = false;
    await informing;
  }
}
