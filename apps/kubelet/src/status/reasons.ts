// Reasons and fixed messages that appear in pod status, as upstream spells them; kubectl's
// STATUS column prints many of them verbatim.

/** Waiting reasons. The first two are the kubelet's defaults before a container exists. */
export const WAITING = {
  containerCreating: 'ContainerCreating',
  podInitializing: 'PodInitializing',
  errImagePull: 'ErrImagePull',
  imagePullBackOff: 'ImagePullBackOff',
  errImageNeverPull: 'ErrImageNeverPull',
  invalidImageName: 'InvalidImageName',
  crashLoopBackOff: 'CrashLoopBackOff',
  createContainerConfigError: 'CreateContainerConfigError',
  createContainerError: 'CreateContainerError',
  runContainerError: 'RunContainerError',
  postStartHookError: 'PostStartHookError',
} as const;

/** Terminated reasons the runtime reports (containerd) or the kubelet infers. */
export const TERMINATED = {
  completed: 'Completed',
  error: 'Error',
  oomKilled: 'OOMKilled',
  containerStatusUnknown: 'ContainerStatusUnknown',
} as const;

/** Reasons of the kubelet-owned pod conditions. */
export const CONDITION_REASONS = {
  unknownContainerStatuses: 'UnknownContainerStatuses',
  podCompleted: 'PodCompleted',
  podFailed: 'PodFailed',
  containersNotReady: 'ContainersNotReady',
  containersNotInitialized: 'ContainersNotInitialized',
  readinessGatesNotReady: 'ReadinessGatesNotReady',
} as const;

/** A container that was running vanished from the runtime while the pod lives on. */
export const MESSAGE_LOST_WHILE_RUNNING =
  'The container could not be located when the pod was deleted.  The container used to be Running';
/** The runtime reports a container unknown whose last known state was running. */
export const MESSAGE_LOST_ON_TERMINATION = 'The container could not be located when the pod was terminated';
/** An init container gone from the runtime after the regular containers were created. */
export const MESSAGE_INIT_ASSUMED_COMPLETED =
  'Unable to get init container status from container runtime and pod has been initialized, treat it as exited normally';

/** Exit code the kubelet reports for a container it lost track of (128 + SIGKILL). */
export const LOST_EXIT_CODE = 137;
