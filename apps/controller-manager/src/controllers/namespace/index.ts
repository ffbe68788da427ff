import type { ControllerDescriptor } from '../../controller/registry.ts';
import { NamespaceController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: 'namespace-controller',
  aliases: ['namespace'],
  init: (ctx) => new NamespaceController(ctx),
};

export { NamespaceController, DELETION_DELAY_MS, type NamespaceControllerOptions } from './controller.ts';
export { NamespaceSync, FINALIZER, type NamespaceSyncOptions, type SyncResult } from './sync.ts';
export { ApiContentPort, type ContentPort, type NamespacePort, type Discovery, type DiscoveredResource, type GVR } from './content-port.ts';
