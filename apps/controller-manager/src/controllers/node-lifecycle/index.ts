import type { ControllerDescriptor } from '../../controller/registry.ts';
import { NodeLifecycleController } from './controller.ts';
import { TaintEvictionController } from './taint-eviction-controller.ts';

export { NodeLifecycleController } from './controller.ts';
export { TaintEvictionController } from './taint-eviction-controller.ts';
export { NodeLifecycleSync, LEASE_NAMESPACE, POD_NODE_INDEX, type NodeLifecyclePort, type NodeLifecycleOptions } from './sync.ts';
export { TaintEviction, type EvictionPort, type TaintEvictionOptions } from './taint-eviction.ts';
export { ApiNodeLifecyclePort, FakeNodeLifecyclePort } from './port.ts';
export { ApiEvictionPort, FakeEvictionPort, disruptionTarget } from './eviction-port.ts';
export { TAINT, tolerates, matchingTolerations } from './taints.ts';

export const descriptor: ControllerDescriptor = {
  name: 'node-lifecycle-controller',
  aliases: ['nodelifecycle'],
  init: (ctx) => new NodeLifecycleController(ctx),
};

/** Kept apart from node-lifecycle, as upstream since 1.29. */
export const taintEvictionDescriptor: ControllerDescriptor = {
  name: 'taint-eviction-controller',
  init: (ctx) => new TaintEvictionController(ctx),
};
