// Pod + container → CRI ContainerConfig (upstream kuberuntime_container.go generateContainerConfig
// and kuberuntime_container_linux.go generateLinuxContainerConfig).
import type { ContainerConfig, Mount } from '@k8ts/cri';
import type { Container, Pod, Service } from 'kubernetes-types/core/v1';
import { posix } from 'node:path';
import { CreateContainerConfigError, makeEnvironment, type EnvSources } from './env.ts';
import { expandCommandAndArgs } from './expansion.ts';
import type { Allocatable } from './fieldpath.ts';
import { containerAnnotations, containerLabels } from './labels.ts';
import { containerResources, type CpuQuotaOptions } from './resources.ts';
import { containerSecurityContext, verifyRunAsNonRoot, type ImageUser } from './security.ts';

export interface ContainerConfigOptions extends CpuQuotaOptions {
  /** This container's attempt: 0 first, +1 per restart. Names its log file. */
  restartCount: number;
  podIP: string;
  podIPs: readonly string[];
  /** Defaults to pod.spec.nodeName. */
  nodeName?: string;
  hostIP: string;
  /** The node's addresses, primary first; defaults to [hostIP]. */
  hostIPs?: readonly string[];
  /** Defaults to pod.spec.serviceAccountName. */
  serviceAccountName?: string;
  lookup: EnvSources;
  /** Every Service the kubelet knows, for the FOO_SERVICE_HOST variables; none when absent. */
  services?: readonly Service[];
  /** The volume mounts, already resolved to host paths. */
  mounts: readonly Mount[];
  /** The image reference the runtime resolved (image id); defaults to container.image. */
  imageRef?: string;
  /** Stands in for missing limits in resourceFieldRef (upstream uses node allocatable). */
  allocatable?: Allocatable;
  /** The image's user (CRI Image.uid/username), for runAsNonRoot and the default user. */
  imageUser?: ImageUser;
  /** The kubelet's root directory; Localhost seccomp profiles live in `<root>/seccomp`. */
  kubeletRoot?: string;
}

export interface ContainerConfigResult {
  config: ContainerConfig;
  /** InvalidEnvironmentVariableNames warnings for the pod's events. */
  warnings: string[];
}

/** `<container>/<restartCount>.log`, relative to the sandbox's log_directory. */
export function containerLogPath(containerName: string, restartCount: number): string {
  return posix.join(containerName, `${restartCount}.log`);
}

/**
 * Rejects with CreateContainerConfigError when env references cannot be resolved or the
 * runAsNonRoot policy cannot be met.
 */
export async function containerConfig(pod: Pod, container: Container, options: ContainerConfigOptions): Promise<ContainerConfigResult> {
  try {
    verifyRunAsNonRoot(pod, container, options.imageUser);
  } catch (e) {
    throw new CreateContainerConfigError((e as Error).message);
  }
  const { env, warnings } = await makeEnvironment(pod, container, {
    podIP: options.podIP,
    podIPs: options.podIPs,
    hostIP: options.hostIP,
    hostIPs: options.hostIPs ?? (options.hostIP ? [options.hostIP] : []),
    nodeName: options.nodeName ?? pod.spec?.nodeName ?? '',
    serviceAccountName: options.serviceAccountName ?? pod.spec?.serviceAccountName ?? '',
    sources: options.lookup,
    allocatable: options.allocatable ?? {},
    services: options.services ?? [],
  });
  const { command, args } = expandCommandAndArgs(container.command, container.args, env);
  const image = container.image ?? '';
  const config: ContainerConfig = {
    metadata: { name: container.name, attempt: options.restartCount },
    image: { image: options.imageRef ?? image, annotations: {}, user_specified_image: image, runtime_handler: '', image_ref: '' },
    command,
    args,
    working_dir: container.workingDir ?? '',
    envs: [...env].map(([key, value]) => ({ key, value })),
    mounts: [...options.mounts],
    labels: containerLabels(pod, container),
    annotations: containerAnnotations(pod, container, options.restartCount),
    log_path: containerLogPath(container.name, options.restartCount),
    stdin: container.stdin === true,
    stdin_once: container.stdinOnce === true,
    tty: container.tty === true,
    linux: {
      resources: containerResources(container, options),
      security_context: containerSecurityContext(
        pod,
        container,
        posix.join(options.kubeletRoot ?? '/var/lib/kubelet', 'seccomp'),
        options.imageUser,
      ),
    },
  };
  return { config, warnings };
}
