import type { ControllerDescriptor } from '../../controller/registry.ts';
import { NodeIpamController } from './controller.ts';

export { CidrSet } from './cidr-set.ts';
export { NodeIpamController, ApiNodeCidrPort } from './controller.ts';
export { NodeIpamSync, FakeNodeCidrPort, type NodeCidrPort } from './sync.ts';

export const descriptor: ControllerDescriptor = {
  name: 'node-ipam-controller',
  aliases: ['nodeipam'],
  init: (ctx) => new NodeIpamController(ctx),
};
