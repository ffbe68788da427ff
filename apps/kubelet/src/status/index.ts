// Pod status as the kubelet computes, compares, merges and patches it.
export { computePodStatus, sortPodIPs } from './compute.ts';
export { mergeStatus, podStatusEqual, stampTransitions, type MergeOptions } from './merge.ts';
export { statusPatch, type StatusPatch } from './patch.ts';
export { podPhase, isTerminalPhase, isStaticPod, type PodPhase } from './phase.ts';
export { podQOS, computePodQOS, type QOSClass } from './qos.ts';
export { sandboxNeedsRecreate, KUBELET_CONDITIONS, SHARED_CONDITIONS } from './conditions.ts';
export { shouldRestart } from './containers.ts';
export { LABELS, ANNOTATIONS, CONTAINER_TYPES, containerNameOf, restartCountOf, type ContainerType } from './labels.ts';
export {
  WAITING, TERMINATED, CONDITION_REASONS, LOST_EXIT_CODE, MESSAGE_LOST_WHILE_RUNNING, MESSAGE_LOST_ON_TERMINATION,
  MESSAGE_INIT_ASSUMED_COMPLETED,
} from './reasons.ts';
export { apiTime, nanosToApiTime } from './time.ts';
export type { StatusInput, ProbeResult, ProbeResults, WaitingReason } from './types.ts';
