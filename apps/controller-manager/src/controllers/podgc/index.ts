import type { ControllerDescriptor } from '../../controller/registry.ts';
import { PodGCController, type PodGCControllerOptions } from './controller.ts';

export { PodGCController, type PodGCControllerOptions } from './controller.ts';
export { PodGC, OUT_OF_SERVICE_TAINT, type PodGCOptions } from './sync.ts';
export { ApiPodGCPort, FakePodGCPort, type PodGCPort } from './port.ts';

/** A descriptor with other timings (tests): upstream's are a 20 s period and a 40 s quarantine. */
export const podGCDescriptor = (o: PodGCControllerOptions = {}): ControllerDescriptor => ({
  name: 'pod-garbage-collector-controller',
  aliases: ['podgc'],
  init: (ctx) => new PodGCController(ctx, o),
});

export const descriptor: ControllerDescriptor = podGCDescriptor();
