import type { ControllerDescriptor } from '../../controller/registry.ts';
import { EndpointSliceController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: 'endpointslice-controller',
  aliases: ['endpointslice'],
  init: (ctx) => new EndpointSliceController(ctx),
};

export { EndpointSliceController } from './controller.ts';
export { EndpointSliceSync, serviceKeyOf, type SliceSyncOptions } from './sync.ts';
export { reconcile, sliceLabels, MAX_ENDPOINTS_PER_SLICE, SERVICE_NAME_LABEL, MANAGED_BY_LABEL, CONTROLLER_NAME, type Plan } from './reconcile.ts';
