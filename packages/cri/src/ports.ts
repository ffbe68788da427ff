// The runtime ports the kubelet codes against. Two implementations: CriClient (a real runtime
// over gRPC) and FakeRuntime (in memory). Methods take the parts of a request that vary and
// return the interesting part of the response, as the kubelet's internal CRI interface does;
// failures reject with CriError (errors.ts).
import type {
  AuthConfig, Container, ContainerConfig, ContainerFilter, ContainerStats, ContainerStatsFilter,
  ContainerStatusResponse, ExecSyncResponse, Image, ImageFsInfoResponse, ImageSpec,
  ImageStatusResponse, Input, PodSandbox, PodSandboxConfig, PodSandboxFilter, PodSandboxStats,
  PodSandboxStatsFilter, PodSandboxStatusResponse, StatusResponse, VersionResponse,
} from './types.ts';

export interface ExecOptions { cmd: string[]; tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }
export interface AttachOptions { tty?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean }

export interface RuntimeService {
  version(apiVersion: string): Promise<VersionResponse>;

  /** Returns the new sandbox's id. */
  runPodSandbox(config: Input<PodSandboxConfig>, runtimeHandler?: string): Promise<string>;
  /** Idempotent: stopping a stopped sandbox succeeds. */
  stopPodSandbox(podSandboxId: string): Promise<void>;
  /** Removes the sandbox and its containers; removing a missing sandbox succeeds. */
  removePodSandbox(podSandboxId: string): Promise<void>;
  podSandboxStatus(podSandboxId: string, verbose?: boolean): Promise<PodSandboxStatusResponse>;
  listPodSandbox(filter?: Input<PodSandboxFilter>): Promise<PodSandbox[]>;

  /** Returns the new container's id; `sandboxConfig` is the config the sandbox was run with. */
  createContainer(podSandboxId: string, config: Input<ContainerConfig>, sandboxConfig: Input<PodSandboxConfig>): Promise<string>;
  startContainer(containerId: string): Promise<void>;
  /** SIGTERM (or the image's stop signal), SIGKILL after `timeoutSeconds`. Idempotent. */
  stopContainer(containerId: string, timeoutSeconds: number): Promise<void>;
  removeContainer(containerId: string): Promise<void>;
  listContainers(filter?: Input<ContainerFilter>): Promise<Container[]>;
  containerStatus(containerId: string, verbose?: boolean): Promise<ContainerStatusResponse>;

  /** Runs `cmd` to completion; `timeoutSeconds` 0 means no limit. */
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<ExecSyncResponse>;
  /** The streaming-server URL to connect the session to. */
  exec(containerId: string, options: ExecOptions): Promise<string>;
  attach(containerId: string, options: AttachOptions): Promise<string>;
  portForward(podSandboxId: string, ports: number[]): Promise<string>;

  containerStats(containerId: string): Promise<ContainerStats | null>;
  listContainerStats(filter?: Input<ContainerStatsFilter>): Promise<ContainerStats[]>;
  podSandboxStats(podSandboxId: string): Promise<PodSandboxStats | null>;
  listPodSandboxStats(filter?: Input<PodSandboxStatsFilter>): Promise<PodSandboxStats[]>;

  updateRuntimeConfig(podCidr: string): Promise<void>;
  /** RuntimeReady / NetworkReady conditions. */
  status(verbose?: boolean): Promise<StatusResponse>;
}

export interface ImageService {
  listImages(filter?: Input<ImageSpec>): Promise<Image[]>;
  /** `image` is null when the runtime does not have it — that is not an error. */
  imageStatus(image: Input<ImageSpec>, verbose?: boolean): Promise<ImageStatusResponse>;
  /** Returns the image reference (its id); rejects with the runtime's message when it cannot. */
  pullImage(image: Input<ImageSpec>, auth?: Input<AuthConfig> | null, sandboxConfig?: Input<PodSandboxConfig> | null): Promise<string>;
  removeImage(image: Input<ImageSpec>): Promise<void>;
  imageFsInfo(): Promise<ImageFsInfoResponse>;
}
