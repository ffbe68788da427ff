import type { ControllerDescriptor } from '../../controller/registry.ts';
import { ServiceAccountController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: 'serviceaccount-controller',
  aliases: ['serviceaccount'],
  init: (ctx) => new ServiceAccountController(ctx),
};

export { ServiceAccountController } from './controller.ts';
export { ServiceAccountSync, MANAGED_ACCOUNTS, type ServiceAccountPort, type ServiceAccountSyncOptions } from './sync.ts';
