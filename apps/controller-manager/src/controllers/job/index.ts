import type { ControllerDescriptor } from '../../controller/registry.ts';
import { JobController } from './controller.ts';

export { JobController, type JobControllerOptions } from './controller.ts';
export { syncJob } from './sync.ts';

export const descriptor: ControllerDescriptor = {
  name: 'job-controller',
  aliases: ['job'],
  init: (ctx) => new JobController(ctx),
};
