// The ReplicaSet controller (upstream's pkg/controller/replicaset) and the pieces other
// controllers reuse: the scale-down victim ranking and the status calculation.
import type { ControllerDescriptor } from '../../controller/registry.ts';
import { NAME, ReplicaSetController } from './controller.ts';

export const descriptor: ControllerDescriptor = {
  name: NAME,
  aliases: ['replicaset'],
  init: (ctx) => ReplicaSetController.fromContext(ctx),
};

export { ReplicaSetController, type ReplicaSetControllerOptions } from './controller.ts';
export { ReplicaSetHandlers, type HandlerDeps } from './handlers.ts';
export { getPodsToDelete, compareForDeletion, rankByRelatedPodsOnSameNode, podDeletionCost, POD_DELETION_COST, type RankedPod } from './ranking.ts';
export { calculateStatus, statusUpToDate, desiredReplicas, REPLICA_FAILURE } from './status.ts';
export { syncReplicaSet, manageReplicas, slowStartBatch, BURST_REPLICAS, SLOW_START_INITIAL_BATCH_SIZE, type SyncDeps } from './sync.ts';
export { ApiReplicaSetClient, FakeReplicaSetClient, REPLICASETS, type ReplicaSetClient } from './rs-client.ts';
