// The kubelet's own Node: registration, status, Lease.
export type { MachineInfo, NodeStatusInput, RuntimeReport } from './types.ts';
export { nodeStatus, nodeImages, MAX_PODS, MAX_IMAGES, MAX_NAMES_PER_IMAGE, EVICTION_MEMORY_BYTES, EVICTION_NODEFS_FRACTION } from './status.ts';
export { nodeConditions, runtimeErrors, rfc3339, OWNED_CONDITIONS } from './conditions.ts';
export { statusChanged } from './equal.ts';
export { machineInfo, goArch, prettyName, type MachineInfoOptions } from './machine.ts';
export { nodeLabels, equalLabels } from './labels.ts';
export { nodeApi, type NodeApi } from './api.ts';
export { renewLease, NODE_LEASE_NAMESPACE, LEASE_DURATION_SECONDS, type NodeRef } from './lease.ts';
export { NodeAgent, KUBELET_VERSION, type NodeAgentOptions } from './agent.ts';
