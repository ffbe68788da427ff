// The Deployment controller (upstream's pkg/controller/deployment).
import type { ControllerDescriptor } from '../../controller/registry.ts';
import { DeploymentController, NAME } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: NAME,
  aliases: ['deployment'],
  init: (ctx) => DeploymentController.fromContext(ctx),
};

export { DeploymentController, type DeploymentControllerOptions } from './controller.ts';
export { ApiDeploymentClient, FakeDeploymentClient, DEPLOYMENTS, REPLICASETS, type DeploymentClient, type RecordedWrite } from './client.ts';
export { syncDeployment } from './sync.ts';
export type { SyncDeps } from './deps.ts';
export { templateHash, equalIgnoreHash, POD_TEMPLATE_HASH } from './hash.ts';
export { REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, resolveFenceposts, maxSurge, maxUnavailable } from './util.ts';
export { REASON } from './conditions.ts';
