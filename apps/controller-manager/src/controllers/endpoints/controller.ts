// The Endpoints controller (upstream's pkg/controller/endpoint): services, pods and endpoints
// informers feed one queue of service keys. A pod change queues the services selecting it (before
// and after); a deleted Endpoints object queues its service so it is recreated; at start every
// existing Endpoints object is queued once so those left behind by deleted services go.
import { isTombstone, type DeletedFinalStateUnknown, type KubeObject } from '@k8ts/client';
import type { Endpoints, Pod, Service } from 'kubernetes-types/core/v1';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { ControllerContext } from '../../controller/context.ts';
import { servicesForPodChange, servicesSelecting } from './pods.ts';
import { ApiEndpointsPort } from './port.ts';
import { EndpointsSync } from './sync.ts';

/** Endpoints that carry a leader-election record belong to no service; they are never cleaned up. */
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export const unwrap = <T>(x: T | DeletedFinalStateUnknown<T>): T => (isTombstone(x) ? x.obj : x);

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  readonly sync: EndpointsSync;
  readonly #workers: KeyedWorkers;
  readonly #endpoints;

  constructor(ctx: ControllerContext) {
    const services = ctx.informers.for<Service>('', 'v1', 'services');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    this.#endpoints = ctx.informers.for<Endpoints>('', 'v1', 'endpoints');
    this.sync = new EndpointsSync({
      services: services.lister, pods: pods.lister, endpoints: this.#endpoints.lister,
      port: new ApiEndpointsPort(ctx.client), recorder: ctx.recorder('endpoint-controller'),
    });
    this.#workers = new KeyedWorkers({
      name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (key) => this.sync.sync(key),
    });
    const enqueue = (o: KubeObject) => this.#workers.enqueue(o);
    services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: (o) => enqueue(unwrap(o)) });
    const podKeys = (keys: string[]) => keys.forEach((k) => this.#workers.enqueue(k));
    const podServices = (p: Pod) => servicesSelecting(services.lister, p.metadata?.namespace ?? '', p.metadata?.labels ?? {});
    pods.addEventHandler({
      onAdd: (p) => podKeys(podServices(p)),
      onUpdate: (o, n) => podKeys(servicesForPodChange(services.lister, o, n)),
      onDelete: (p) => podKeys(podServices(unwrap(p))),
    });
    this.#endpoints.addEventHandler({
      onUpdate: (_o, n) => this.sync.observed(`${n.metadata?.namespace}/${n.metadata?.name}`, n.metadata?.resourceVersion),
      onDelete: (o) => enqueue(unwrap(o)),
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    for (const ep of this.#endpoints.lister.list()) {
      if (!(LEADER_ANNOTATION in (ep.metadata?.annotations ?? {}))) this.#workers.enqueue(ep);
    }
    await this.#workers.run(signal);
  }
}
