// CriClient: RuntimeService + ImageService over a runtime's unix socket (CRI v1, our proto).
// The proto is parsed once per process; each call carries a deadline (the kubelet's
// --runtime-request-timeout, 2 min by default) except PullImage, which may legitimately run long,
// and ExecSync, whose deadline is the command's own timeout plus the request timeout.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { fromGrpcError } from './errors.ts';
import type { AttachOptions, ExecOptions, ImageService, RuntimeService } from './ports.ts';
import type * as T from './types.ts';

/**
 * proto/cri.proto beside src/ — or, once an app is bundled to apps/<app>/dist/main.mjs (where
 * `../proto` no longer points into this package), the same file reached from the repository root.
 */
export const CRI_PROTO_PATH = [
  new URL('../proto/cri.proto', import.meta.url),
  new URL('../../../packages/cri/proto/cri.proto', import.meta.url),
].map((u) => fileURLToPath(u)).find((p) => existsSync(p)) ?? fileURLToPath(new URL('../proto/cri.proto', import.meta.url));

export const LOADER_OPTIONS: protoLoader.Options = { keepCase: true, longs: String, enums: String, defaults: true, oneofs: true };

/** Upstream kubelets accept CRI messages up to 16 MiB (ListContainers on a busy node). */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

type Ctor = grpc.ServiceClientConstructor;
let services: { runtime: Ctor; image: Ctor } | undefined;

/** The loaded service definitions; shared by every client (and by test servers). */
export function criServices(): { runtime: Ctor; image: Ctor } {
  if (!services) {
    const def = protoLoader.loadSync(CRI_PROTO_PATH, LOADER_OPTIONS);
    const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: { RuntimeService: Ctor; ImageService: Ctor } } };
    services = { runtime: pkg.runtime.v1.RuntimeService, image: pkg.runtime.v1.ImageService };
  }
  return services;
}

export interface CriClientOptions {
  /** `/path/containerd.sock` or `unix:///path/containerd.sock` */
  endpoint: string;
  /** Deadline of each call in ms; default 120 000 (the kubelet's runtime-request-timeout). */
  timeoutMs?: number;
}

type Unary = (req: object, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res: unknown) => void) => void;

export class CriClient implements RuntimeService, ImageService {
  readonly endpoint: string;
  private readonly timeoutMs: number;
  private readonly runtime: grpc.Client;
  private readonly image: grpc.Client;

  constructor(options: CriClientOptions) {
    if (!options.endpoint) throw new Error('CriClient: endpoint is required');
    this.endpoint = options.endpoint.startsWith('unix:') ? options.endpoint : `unix://${options.endpoint}`;
    this.timeoutMs = options.timeoutMs ?? 120_000;
    if (!(this.timeoutMs > 0)) throw new Error('CriClient: timeoutMs must be positive');
    const { runtime, image } = criServices();
    const channelOptions = { 'grpc.max_receive_message_length': MAX_MESSAGE_BYTES, 'grpc.max_send_message_length': MAX_MESSAGE_BYTES };
    this.runtime = new runtime(this.endpoint, grpc.credentials.createInsecure(), channelOptions);
    // The image client shares the runtime client's channel: one connection per runtime.
    this.image = new image(this.endpoint, grpc.credentials.createInsecure(), { ...channelOptions, channelOverride: this.runtime.getChannel() });
  }

  close(): void {
    this.image.close();
    this.runtime.close();
  }

  private call<R>(client: grpc.Client, method: string, req: object, timeoutMs: number | null = this.timeoutMs): Promise<R> {
    const fn = (client as unknown as Record<string, Unary>)[method];
    if (!fn) throw new Error(`CRI method ${method} is not in cri.proto`);
    const opts: grpc.CallOptions = timeoutMs === null ? {} : { deadline: Date.now() + timeoutMs };
    return new Promise<R>((resolve, reject) => {
      fn.call(client, req, new grpc.Metadata(), opts, (err, res) => (err ? reject(fromGrpcError(err)) : resolve(res as R)));
    });
  }
  private rt<R>(method: string, req: object, timeoutMs?: number | null): Promise<R> {
    return this.call<R>(this.runtime, method, req, timeoutMs);
  }
  private img<R>(method: string, req: object, timeoutMs?: number | null): Promise<R> {
    return this.call<R>(this.image, method, req, timeoutMs);
  }

  // ---- RuntimeService ----

  version(apiVersion: string): Promise<T.VersionResponse> {
    return this.rt('Version', { version: apiVersion });
  }
  async runPodSandbox(config: T.Input<T.PodSandboxConfig>, runtimeHandler = ''): Promise<string> {
    const res = await this.rt<{ pod_sandbox_id: string }>('RunPodSandbox', { config, runtime_handler: runtimeHandler });
    return res.pod_sandbox_id;
  }
  async stopPodSandbox(podSandboxId: string): Promise<void> {
    await this.rt('StopPodSandbox', { pod_sandbox_id: podSandboxId });
  }
  async removePodSandbox(podSandboxId: string): Promise<void> {
    await this.rt('RemovePodSandbox', { pod_sandbox_id: podSandboxId });
  }
  podSandboxStatus(podSandboxId: string, verbose = false): Promise<T.PodSandboxStatusResponse> {
    return this.rt('PodSandboxStatus', { pod_sandbox_id: podSandboxId, verbose });
  }
  async listPodSandbox(filter?: T.Input<T.PodSandboxFilter>): Promise<T.PodSandbox[]> {
    return (await this.rt<{ items: T.PodSandbox[] }>('ListPodSandbox', { filter: filter ?? null })).items;
  }
  async createContainer(podSandboxId: string, config: T.Input<T.ContainerConfig>, sandboxConfig: T.Input<T.PodSandboxConfig>): Promise<string> {
    const req = { pod_sandbox_id: podSandboxId, config, sandbox_config: sandboxConfig };
    return (await this.rt<{ container_id: string }>('CreateContainer', req)).container_id;
  }
  async startContainer(containerId: string): Promise<void> {
    await this.rt('StartContainer', { container_id: containerId });
  }
  async stopContainer(containerId: string, timeoutSeconds: number): Promise<void> {
    // The runtime waits up to `timeout` before SIGKILL: the call must outlive it.
    await this.rt('StopContainer', { container_id: containerId, timeout: String(timeoutSeconds) }, timeoutSeconds * 1000 + this.timeoutMs);
  }
  async removeContainer(containerId: string): Promise<void> {
    await this.rt('RemoveContainer', { container_id: containerId });
  }
  async listContainers(filter?: T.Input<T.ContainerFilter>): Promise<T.Container[]> {
    return (await this.rt<{ containers: T.Container[] }>('ListContainers', { filter: filter ?? null })).containers;
  }
  containerStatus(containerId: string, verbose = false): Promise<T.ContainerStatusResponse> {
    return this.rt('ContainerStatus', { container_id: containerId, verbose });
  }
  execSync(containerId: string, cmd: string[], timeoutSeconds: number): Promise<T.ExecSyncResponse> {
    const deadline = timeoutSeconds > 0 ? timeoutSeconds * 1000 + this.timeoutMs : null;
    return this.rt('ExecSync', { container_id: containerId, cmd, timeout: String(timeoutSeconds) }, deadline);
  }
  async exec(containerId: string, o: ExecOptions): Promise<string> {
    const req = { container_id: containerId, cmd: o.cmd, tty: o.tty ?? false, stdin: o.stdin ?? false, stdout: o.stdout ?? true, stderr: o.stderr ?? !o.tty };
    return (await this.rt<{ url: string }>('Exec', req)).url;
  }
  async attach(containerId: string, o: AttachOptions): Promise<string> {
    const req = { container_id: containerId, tty: o.tty ?? false, stdin: o.stdin ?? false, stdout: o.stdout ?? true, stderr: o.stderr ?? !o.tty };
    return (await this.rt<{ url: string }>('Attach', req)).url;
  }
  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    return (await this.rt<{ url: string }>('PortForward', { pod_sandbox_id: podSandboxId, port: ports })).url;
  }
  async containerStats(containerId: string): Promise<T.ContainerStats | null> {
    return (await this.rt<{ stats: T.ContainerStats | null }>('ContainerStats', { container_id: containerId })).stats;
  }
  async listContainerStats(filter?: T.Input<T.ContainerStatsFilter>): Promise<T.ContainerStats[]> {
    return (await this.rt<{ stats: T.ContainerStats[] }>('ListContainerStats', { filter: filter ?? null })).stats;
  }
  async podSandboxStats(podSandboxId: string): Promise<T.PodSandboxStats | null> {
    return (await this.rt<{ stats: T.PodSandboxStats | null }>('PodSandboxStats', { pod_sandbox_id: podSandboxId })).stats;
  }
  async listPodSandboxStats(filter?: T.Input<T.PodSandboxStatsFilter>): Promise<T.PodSandboxStats[]> {
    return (await this.rt<{ stats: T.PodSandboxStats[] }>('ListPodSandboxStats', { filter: filter ?? null })).stats;
  }
  async updateRuntimeConfig(podCidr: string): Promise<void> {
    await this.rt('UpdateRuntimeConfig', { runtime_config: { network_config: { pod_cidr: podCidr } } });
  }
  status(verbose = false): Promise<T.StatusResponse> {
    return this.rt('Status', { verbose });
  }

  // ---- ImageService ----

  async listImages(filter?: T.Input<T.ImageSpec>): Promise<T.Image[]> {
    return (await this.img<{ images: T.Image[] }>('ListImages', { filter: filter ? { image: filter } : null })).images;
  }
  imageStatus(image: T.Input<T.ImageSpec>, verbose = false): Promise<T.ImageStatusResponse> {
    return this.img('ImageStatus', { image, verbose });
  }
  async pullImage(image: T.Input<T.ImageSpec>, auth?: T.Input<T.AuthConfig> | null, sandboxConfig?: T.Input<T.PodSandboxConfig> | null): Promise<string> {
    const req = { image, auth: auth ?? null, sandbox_config: sandboxConfig ?? null };
    return (await this.img<{ image_ref: string }>('PullImage', req, null)).image_ref;
  }
  async removeImage(image: T.Input<T.ImageSpec>): Promise<void> {
    await this.img('RemoveImage', { image });
  }
  imageFsInfo(): Promise<T.ImageFsInfoResponse> {
    return this.img('ImageFsInfo', {});
  }
}
