import type { ControllerDescriptor } from '../../controller/registry.ts';
import { COMPONENT, DaemonSetController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: COMPONENT,
  aliases: ['daemonset'],
  init: (ctx) => new DaemonSetController(ctx),
};

export { DaemonSetController, type DaemonSetPorts } from './controller.ts';
export { DaemonSetSync, type DaemonSetSyncOptions } from './sync.ts';
