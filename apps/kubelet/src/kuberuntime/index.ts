// From a Pod to CRI configs, and what a pod sync should do next.
export { sandboxConfig, podHostname, podLogDirectory, portMappings, dottedSysctl, type NodeSandboxSettings } from './sandbox.ts';
export { containerConfig, containerLogPath, type ContainerConfigOptions, type ContainerConfigResult } from './container.ts';
export {
  makeEnvironment, isValidEnvName, CreateContainerConfigError,
  type EnvSources, type ConfigMapData, type SecretData, type EnvContext, type Environment,
} from './env.ts';
export { podServices, serviceEnv } from './serviceenv.ts';
export { expand, mappingFor, expandCommandAndArgs, type Mapping } from './expansion.ts';
export { fieldRefValue, resourceFieldRefValue, formatMap, type PodRuntimeFields, type Allocatable } from './fieldpath.ts';
export { podDNSConfig, parseResolvConf, DEFAULT_DNS_OPTIONS, type DNSSettings } from './dns.ts';
export { qosClass, computeQOS, podCgroupParent, type QOSClass } from './qos.ts';
export {
  linuxResources, containerResources, sandboxResources, overheadResources, podResourceList, milliCPUToShares, milliCPUToQuota,
  MIN_SHARES, MAX_SHARES, QUOTA_PERIOD, type CpuQuotaOptions,
} from './resources.ts';
export {
  namespacesForPod, seccompProfile, verifyRunAsNonRoot, sandboxSecurityContext, containerSecurityContext, hasPrivilegedContainer,
  DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, type ImageUser,
} from './security.ts';
export {
  formatPod, hashContainer, stableKey, sandboxLabels, sandboxAnnotations, containerLabels, containerAnnotations, containerType,
} from './labels.ts';
export {
  computePodActions, sandboxChanged, shouldContainerBeRestarted, isInitContainerFailed, nextInitContainer,
  type PodActions, type RuntimePodStatus, type ProbeFailures, type ContainerToKill, type KillReason,
} from './actions.ts';
export { CrashLoopBackoff, backoffMessage, goDuration, type CrashLoopBackoffOptions, type BackoffCheck } from './backoff.ts';
