import type { ControllerDescriptor } from '../../controller/registry.ts';
import { COMPONENT, GarbageCollector } from './controller.ts';

export { GarbageCollector, collectedResources, COMPONENT, GC_WORKERS } from './controller.ts';
export { GraphBuilder, type GraphEvent } from './graph-builder.ts';
export { GCSync } from './sync.ts';

export const descriptor: ControllerDescriptor = {
  name: COMPONENT,
  aliases: ['garbagecollector'],
  init: (ctx) => new GarbageCollector(ctx),
};
