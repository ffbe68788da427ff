// Namespaces and security contexts for CRI (upstream kuberuntime/util/util.go,
// security_context.go, helpers.go getSeccompProfile and pkg/securitycontext).
import type {
  LinuxContainerSecurityContext, LinuxSandboxSecurityContext, NamespaceMode, NamespaceOption, SecurityProfile,
} from '@k8ts/cri';
import type { Container, Pod, PodSecurityContext, SeccompProfile, SecurityContext } from 'kubernetes-types/core/v1';
import { posix } from 'node:path';
import { formatPod } from './labels.ts';

/** What moby masks and makes read-only in /proc and /sys unless procMount is Unmasked. */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
];
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/**
 * Network NODE for hostNetwork (else POD), IPC likewise, PID NODE for hostPID, POD when the pod
 * shares one process namespace, else one per CONTAINER.
 */
export function namespacesForPod(pod: Pod): NamespaceOption {
  const spec = pod.spec;
  const pid: NamespaceMode = spec?.hostPID ? 'NODE' : spec?.shareProcessNamespace ? 'POD' : 'CONTAINER';
  return { network: spec?.hostNetwork ? 'NODE' : 'POD', pid, ipc: spec?.hostIPC ? 'NODE' : 'POD', target_id: '' };
}

export function hasPrivilegedContainer(pod: Pod): boolean {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? []), ...(pod.spec?.ephemeralContainers ?? [])];
  return all.some((c) => c.securityContext?.privileged === true);
}

/**
 * The container's seccomp profile: its own field, else the pod's, else Unconfined (the kubelet's
 * --seccomp-default is off). Localhost profiles are files under `<root>/seccomp`.
 */
export function seccompProfile(pod: Pod, container: Container | undefined, seccompRoot: string): SecurityProfile {
  const profile: SeccompProfile | undefined = container?.securityContext?.seccompProfile ?? pod.spec?.securityContext?.seccompProfile;
  switch (profile?.type) {
    case 'RuntimeDefault':
      return { profile_type: 'RuntimeDefault', localhost_ref: '' };
    case 'Localhost':
      return { profile_type: 'Localhost', localhost_ref: posix.join(seccompRoot, profile.localhostProfile ?? '') };
    default:
      return { profile_type: 'Unconfined', localhost_ref: '' };
  }
}

const int64Value = (v: number | undefined) => (v === undefined || v === null ? null : { value: String(v) });

/** fsGroup first, then the supplemental groups. */
function supplementalGroups(sc: PodSecurityContext | undefined): string[] {
  if (!sc) return [];
  return [...(sc.fsGroup !== undefined && sc.fsGroup !== null ? [sc.fsGroup] : []), ...(sc.supplementalGroups ?? [])].map(String);
}

/**
 * The sandbox always runs the runtime's default seccomp profile, so that a least-privilege
 * profile at pod level cannot be defeated through the pause container (upstream issue 84623).
 */
export function sandboxSecurityContext(pod: Pod): LinuxSandboxSecurityContext {
  const sc = pod.spec?.securityContext;
  return {
    namespace_options: namespacesForPod(pod),
    run_as_user: int64Value(sc?.runAsUser),
    readonly_rootfs: false,
    supplemental_groups: supplementalGroups(sc),
    privileged: hasPrivilegedContainer(pod),
    run_as_group: int64Value(sc?.runAsGroup),
    seccomp: { profile_type: 'RuntimeDefault', localhost_ref: '' },
  };
}

/** The container's settings override the pod's for the fields both have. */
function effective(pod: Pod, container: Container): SecurityContext {
  const podSc = pod.spec?.securityContext ?? {};
  const sc = container.securityContext ?? {};
  return {
    ...sc,
    runAsUser: sc.runAsUser ?? podSc.runAsUser,
    runAsGroup: sc.runAsGroup ?? podSc.runAsGroup,
    runAsNonRoot: sc.runAsNonRoot ?? podSc.runAsNonRoot,
  };
}

/** The user an image runs as (CRI Image.uid / username), when known. */
export interface ImageUser {
  uid?: number;
  username?: string;
}

/**
 * runAsNonRoot is checked against the explicit runAsUser, else against the image's user; an
 * image user given by name only cannot be verified and is refused.
 */
export function verifyRunAsNonRoot(pod: Pod, container: Container, image: ImageUser = {}): void {
  const sc = effective(pod, container);
  if (sc.runAsNonRoot !== true) return;
  const who = `(pod: "${formatPod(pod)}", container: ${container.name})`;
  if (sc.runAsUser !== undefined && sc.runAsUser !== null) {
    if (sc.runAsUser === 0) throw new Error(`container's runAsUser breaks non-root policy ${who}`);
    return;
  }
  if (image.uid === 0) throw new Error(`container has runAsNonRoot and image will run as root ${who}`);
  if (image.uid === undefined && image.username) {
    throw new Error(`container has runAsNonRoot and image has non-numeric user (${image.username}), cannot verify user is non-root ${who}`);
  }
}

export function containerSecurityContext(pod: Pod, container: Container, seccompRoot: string, image: ImageUser = {}): LinuxContainerSecurityContext {
  const sc = effective(pod, container);
  const unmasked = sc.procMount === 'Unmasked';
  // Without an explicit user the image's own user is passed on, by id when known.
  const runAsUser = sc.runAsUser ?? image.uid;
  return {
    capabilities: sc.capabilities
      ? { add_capabilities: [...(sc.capabilities.add ?? [])], drop_capabilities: [...(sc.capabilities.drop ?? [])] }
      : null,
    privileged: sc.privileged === true,
    namespace_options: namespacesForPod(pod),
    run_as_user: int64Value(runAsUser),
    run_as_username: runAsUser === undefined ? (image.username ?? '') : '',
    readonly_rootfs: sc.readOnlyRootFilesystem === true,
    supplemental_groups: supplementalGroups(pod.spec?.securityContext),
    // Only an explicit allowPrivilegeEscalation: false sets no_new_privs.
    no_new_privs: sc.allowPrivilegeEscalation === false,
    run_as_group: int64Value(sc.runAsGroup),
    masked_paths: unmasked ? [] : [...DEFAULT_MASKED_PATHS],
    readonly_paths: unmasked ? [] : [...DEFAULT_READONLY_PATHS],
    seccomp: seccompProfile(pod, container, seccompRoot),
  };
}
