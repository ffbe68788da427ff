import type { ControllerDescriptor } from '../../controller/registry.ts';
import { DisruptionController } from './controller.ts';

export { DisruptionController } from './controller.ts';
export { DisruptionSync, type DisruptionPort, type DisruptionListers, type DisruptionOptions } from './sync.ts';
export { ApiDisruptionPort, FakeDisruptionPort, PDBS } from './port.ts';
export { scaledValue, expectedPodCount, nextStatus, DELETION_TIMEOUT_MS } from './budget.ts';

export const descriptor: ControllerDescriptor = {
  name: 'disruption-controller',
  aliases: ['disruption'],
  init: (ctx) => new DisruptionController(ctx),
};
