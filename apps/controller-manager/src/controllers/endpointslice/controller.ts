// The EndpointSlice controller (upstream's pkg/controller/endpointslice): services, pods, nodes
// (for zones) and slices feed one queue of service keys. A change to a managed slice queues its
// service, so slices edited or deleted by others are put right again.
import type { KubeObject } from '@k8ts/client';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { KeyedWorkers, type Controller } from '../../controller/controller.ts';
import type { ControllerContext } from '../../controller/context.ts';
import { unwrap } from '../endpoints/controller.ts';
import { servicesForPodChange, servicesSelecting } from '../endpoints/pods.ts';
import { ApiSlicePort } from './port.ts';
import { EndpointSliceSync, serviceKeyOf } from './sync.ts';

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  readonly sync: EndpointSliceSync;
  readonly #workers: KeyedWorkers;

  constructor(ctx: ControllerContext) {
    const services = ctx.informers.for<Service>('', 'v1', 'services');
    const pods = ctx.informers.for<Pod>('', 'v1', 'pods');
    const nodes = ctx.informers.for<Node>('', 'v1', 'nodes');
    const slices = ctx.informers.for<EndpointSlice>('discovery.k8s.io', 'v1', 'endpointslices');
    this.sync = new EndpointSliceSync({
      services: services.lister, pods: pods.lister, nodes: nodes.lister, slices: slices.lister,
      port: new ApiSlicePort(ctx.client), recorder: ctx.recorder('endpoint-slice-controller'), clock: ctx.clock,
    });
    this.#workers = new KeyedWorkers({
      name: this.name, clock: ctx.clock, log: ctx.log, metrics: ctx.metrics, workers: ctx.config.concurrentSyncs,
      sync: (key) => this.sync.sync(key),
    });
    const enqueue = (o: KubeObject) => this.#workers.enqueue(o);
    services.addEventHandler({ onAdd: enqueue, onUpdate: (_o, n) => enqueue(n), onDelete: (o) => enqueue(unwrap(o)) });
    const keys = (ks: string[]) => ks.forEach((k) => this.#workers.enqueue(k));
    const podServices = (p: Pod) => servicesSelecting(services.lister, p.metadata?.namespace ?? '', p.metadata?.labels ?? {});
    pods.addEventHandler({
      onAdd: (p) => keys(podServices(p)),
      onUpdate: (o, n) => keys(servicesForPodChange(services.lister, o, n)),
      onDelete: (p) => keys(podServices(unwrap(p))),
    });
    const sliceChanged = (s: EndpointSlice) => {
      const key = serviceKeyOf(s);
      if (key) this.#workers.enqueue(key);
    };
    slices.addEventHandler({ onAdd: sliceChanged, onUpdate: (_o, n) => sliceChanged(n), onDelete: (s) => sliceChanged(unwrap(s)) });
  }

  run(signal: AbortSignal): Promise<void> {
    return this.#workers.run(signal);
  }
}
