import type { ControllerDescriptor } from '../../controller/registry.ts';
import { COMPONENT, StatefulSetController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: COMPONENT,
  aliases: ['statefulset'],
  init: (ctx) => new StatefulSetController(ctx),
};

export { StatefulSetController } from './controller.ts';
export { StatefulSetSync, type StatefulSetSyncOptions } from './sync.ts';
