import type { ControllerDescriptor } from '../../controller/registry.ts';
import { CronJobController } from './controller.ts';

export { CronJobController } from './controller.ts';
export { syncCronJob, jobName, jobFromTemplate, SCHEDULED_TIMESTAMP, type CronJobDeps } from './sync.ts';

export const descriptor: ControllerDescriptor = {
  name: 'cronjob-controller',
  aliases: ['cronjob'],
  init: (ctx) => new CronJobController(ctx),
};
