import type { ControllerDescriptor } from '../../controller/registry.ts';
import { EndpointsController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: 'endpoints-controller',
  aliases: ['endpoint'],
  init: (ctx) => new EndpointsController(ctx),
};

export { EndpointsController } from './controller.ts';
export { EndpointsSync, endpointEntries, type EndpointsSyncOptions } from './sync.ts';
