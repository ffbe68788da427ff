import type { ControllerDescriptor } from '../../controller/registry.ts';
import { TtlAfterFinishedController } from './controller.ts';

export { TtlAfterFinishedController } from './controller.ts';
export { syncTtl, timeLeft, needsCleanup, type TtlDeps, type TtlJobApi } from './sync.ts';

export const descriptor: ControllerDescriptor = {
  name: 'ttl-after-finished-controller',
  aliases: ['ttl-after-finished'],
  init: (ctx) => new TtlAfterFinishedController(ctx),
};
