// FakeRuntime: RuntimeService + ImageService in memory, for kubelet unit tests and hollow nodes.
// Containers follow a scripted behaviour on an injected clock (exit code after N ms, OOMKilled,
// log lines, ExecSync answers); errors carry containerd 1.6's codes and wording so the kubelet's
// handling is exercised as against the real runtime. Every call is recorded in `calls`.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { criError, type CriError } from './errors.ts';
import type { AttachOptions, ExecOptions, ImageService, RuntimeService } from './ports.ts';
import { normalizeImageRef } from './reference.ts';
import type * as T from './types.ts';
import { FakeStore, type FakeContainer } from './fake-store.ts';

/** Structurally the `Clock` of @k8ts/client, so the kubelet's fake clock drives the fake runtime. */
export interface RuntimeClock {
  now(): Date;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: never): void;
}

export interface ContainerBehaviour {
  /** Exit this many ms after start; absent = run until stopped. */
  exitAfterMs?: number;
  /** default 0 */
  exitCode?: number;
  /** Exit as killed by the OOM killer (exit code 137, reason OOMKilled). */
  oomKilled?: boolean;
  /** stdout lines written at start */
  logs?: string[];
  /** StopContainer: SIGTERM is ignored and the timeout ends in SIGKILL (137); default exits 143 at once. */
  ignoreSigterm?: boolean;
  execSync?: (cmd: string[]) => { stdout?: string; stderr?: string; exitCode?: number };
  /** StartContainer fails with this message (code Unknown), as runc errors surface. */
  startError?: string;
  memoryWorkingSetBytes?: number;
}

export interface FakeRuntimeOptions {
  clock?: RuntimeClock;
  /** Images present (any reference form); PullImage of others fails unless listed in `pullable`. */
  images?: string[];
  pullable?: string[];
  /** Chooses a container's behaviour; default: run until stopped. */
  behaviour?: (config: T.Input<T.ContainerConfig>, sandbox: T.PodSandboxStatus) => ContainerBehaviour | undefined;
  /** Write CRI-format logs to log_directory/log_path; default false (kept in memory, see `logs()`). */
  writeLogFiles?: boolean;
  runtimeVersion?: string;
}

export interface RecordedCall { method: string; args: unknown[] }

const systemClock: RuntimeClock = {
  now: () => new Date(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export class FakeRuntime implements RuntimeService, ImageService {
  readonly calls: RecordedCall[] = [];
  private readonly store: FakeStore;
  private readonly clock: RuntimeClock;
  private readonly o: FakeRuntimeOptions;
  private readonly injected = new Map<string, CriError[]>();
  private readonly pullable: Set<string>;

  constructor(options: FakeRuntimeOptions = {}) {
    this.o = options;
    this.clock = options.clock ?? systemClock;
    this.store = new FakeStore(() => this.clock.now().getTime());
    for (const image of options.images ?? []) this.store.addImage(normalizeImageRef(image));
    this.pullable = new Set((options.pullable ?? []).map(normalizeImageRef));
  }

  /** The next call of `method` (e.g. 'runPodSandbox') rejects with `err`; queued per method. */
  failNext(method: keyof RuntimeService | keyof ImageService, err: CriError): void {
    this.injected.set(method, [...(this.injected.get(method) ?? []), err]);
  }
  /** Log lines a container wrote (CRI format), in memory whether or not files are written. */
  logs(containerId: string): string[] {
    return [...(this.store.container(containerId)?.logs ?? [])];
  }
  /** Count of recorded calls per method. */
  callCount(method: string): number {
    return this.calls.filter((c) => c.method === method).length;
  }

  private record(method: string, args: unknown[]): void {
    this.calls.push({ method, args });
    const queue = this.injected.get(method);
    const err = queue?.shift();
    if (err) throw err;
  }

  // ---- RuntimeService ----

  async version(apiVersion: string): Promise<T.VersionResponse> {
    this.record('version', [apiVersion]);
    return { version: '0.1.0', runtime_name: 'fake', runtime_version: this.o.runtimeVersion ?? '1.6.20', runtime_api_version: 'v1' };
  }
  async runPodSandbox(config: T.Input<T.PodSandboxConfig>, runtimeHandler = ''): Promise<string> {
    this.record('runPodSandbox', [config, runtimeHandler]);
    const network = config.linux?.security_context?.namespace_options?.network;
    if (network === 'NODE' && config.hostname) throw criError('Unknown', 'failed to start sandbox container task: unable to set hostname without a private UTS namespace');
    return this.store.addSandbox(config, runtimeHandler).status.id;
  }
  async stopPodSandbox(id: string): Promise<void> {
    this.record('stopPodSandbox', [id]);
    const sb = this.store.sandbox(id);
    if (!sb) throw criError('NotFound', `an error occurred when try to find sandbox "${id}": not found`);
    for (const c of this.store.containersOf(id)) this.kill(c, 137, 'Error');
    sb.status.state = 'SANDBOX_NOTREADY';
  }
  async removePodSandbox(id: string): Promise<void> {
    this.record('removePodSandbox', [id]);
    const sb = this.store.sandbox(id);
    if (!sb) return;
    for (const c of this.store.containersOf(id)) {
      this.kill(c, 137, 'Error');
      this.store.removeContainer(c.status.id);
    }
    this.store.removeSandbox(id);
  }
  async podSandboxStatus(id: string, verbose = false): Promise<T.PodSandboxStatusResponse> {
    this.record('podSandboxStatus', [id, verbose]);
    const sb = this.store.sandbox(id);
    if (!sb) throw criError('NotFound', `an error occurred when try to find sandbox: not found`);
    return { status: structuredClone(sb.status), info: {}, containers_statuses: [], timestamp: String(this.nowNs()) };
  }
  async listPodSandbox(filter?: T.Input<T.PodSandboxFilter>): Promise<T.PodSandbox[]> {
    this.record('listPodSandbox', [filter]);
    return this.store.listSandboxes(filter);
  }
  async createContainer(podSandboxId: string, config: T.Input<T.ContainerConfig>, sandboxConfig: T.Input<T.PodSandboxConfig>): Promise<string> {
    this.record('createContainer', [podSandboxId, config, sandboxConfig]);
    const sb = this.store.sandbox(podSandboxId);
    if (!sb) throw criError('NotFound', `failed to get sandbox "${podSandboxId}": not found`);
    // The kubelet passes the image id it resolved (as upstream does); a name works too.
    const given = config.image?.image ?? '';
    const image = this.store.image(given) ?? this.store.image(normalizeImageRef(given));
    if (!image) throw criError('NotFound', `failed to get image "${config.image?.image ?? ''}": not found`);
    const behaviour = this.o.behaviour?.(config, sb.status) ?? {};
    return this.store.addContainer(sb, config, image, behaviour).status.id;
  }
  async startContainer(id: string): Promise<void> {
    this.record('startContainer', [id]);
    const c = this.mustContainer(id);
    if (c.status.state !== 'CONTAINER_CREATED') throw criError('Unknown', `failed to set starting state for container "${id}": container is in ${c.status.state} state`);
    if (c.behaviour.startError) {
      this.finish(c, 128, 'StartError', c.behaviour.startError);
      throw criError('Unknown', `failed to create containerd task: ${c.behaviour.startError}`);
    }
    c.status.state = 'CONTAINER_RUNNING';
    c.status.started_at = String(this.nowNs());
    for (const line of c.behaviour.logs ?? []) this.writeLog(c, 'stdout', line);
    const b = c.behaviour;
    if (b.oomKilled) c.timer = this.clock.setTimeout(() => this.finish(c, 137, 'OOMKilled'), b.exitAfterMs ?? 0);
    else if (b.exitAfterMs !== undefined) c.timer = this.clock.setTimeout(() => this.exit(c, b.exitCode ?? 0), b.exitAfterMs);
  }
  async stopContainer(id: string, timeoutSeconds: number): Promise<void> {
    this.record('stopContainer', [id, timeoutSeconds]);
    const c = this.mustContainer(id);
    if (c.status.state !== 'CONTAINER_RUNNING') return;
    if (c.behaviour.ignoreSigterm && timeoutSeconds > 0) {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, timeoutSeconds * 1000));
      this.kill(c, 137, 'Error');
    } else this.kill(c, c.behaviour.ignoreSigterm ? 137 : 143, 'Error');
  }
  async removeContainer(id: string): Promise<void> {
    this.record('removeContainer', [id]);
    const c = this.store.container(id);
    if (!c) return;
    if (c.status.state === 'CONTAINER_RUNNING') throw criError('Unknown', `failed to set removing state for container "${id}": container is still running, to stop first`);
    this.store.removeContainer(id);
  }
  async listContainers(filter?: T.Input<T.ContainerFilter>): Promise<T.Container[]> {
    this.record('listContainers', [filter]);
    return this.store.listContainers(filter);
  }
  async containerStatus(id: string, verbose = false): Promise<T.ContainerStatusResponse> {
    this.record('containerStatus', [id, verbose]);
    return { status: structuredClone(this.mustContainer(id).status), info: {} };
  }
  async execSync(id: string, cmd: string[], timeoutSeconds: number): Promise<T.ExecSyncResponse> {
    this.record('execSync', [id, cmd, timeoutSeconds]);
    const c = this.mustContainer(id);
    if (c.status.state !== 'CONTAINER_RUNNING') throw criError('Unknown', `container ${id} is not running`);
    const r = c.behaviour.execSync?.(cmd) ?? {};
    return { stdout: Buffer.from(r.stdout ?? ''), stderr: Buffer.from(r.stderr ?? ''), exit_code: r.exitCode ?? 0 };
  }
  async exec(id: string, options: ExecOptions): Promise<string> {
    this.record('exec', [id, options]);
    this.mustContainer(id);
    return `http://127.0.0.1:0/exec/${id}`;
  }
  async attach(id: string, options: AttachOptions): Promise<string> {
    this.record('attach', [id, options]);
    this.mustContainer(id);
    return `http://127.0.0.1:0/attach/${id}`;
  }
  async portForward(podSandboxId: string, ports: number[]): Promise<string> {
    this.record('portForward', [podSandboxId, ports]);
    return `http://127.0.0.1:0/portforward/${podSandboxId}`;
  }
  async containerStats(id: string): Promise<T.ContainerStats | null> {
    this.record('containerStats', [id]);
    return this.store.stats(this.mustContainer(id), this.nowNs());
  }
  async listContainerStats(filter?: T.Input<T.ContainerStatsFilter>): Promise<T.ContainerStats[]> {
    this.record('listContainerStats', [filter]);
    const list = this.store.listContainers({ id: filter?.id ?? '', pod_sandbox_id: filter?.pod_sandbox_id ?? '', label_selector: filter?.label_selector ?? {}, state: { state: 'CONTAINER_RUNNING' } });
    return list.map((c) => this.store.stats(this.mustContainer(c.id), this.nowNs()));
  }
  async podSandboxStats(id: string): Promise<T.PodSandboxStats | null> {
    this.record('podSandboxStats', [id]);
    const sb = this.store.sandbox(id);
    if (!sb) throw criError('NotFound', `an error occurred when try to find sandbox "${id}": not found`);
    return this.store.sandboxStats(sb, this.nowNs());
  }
  async listPodSandboxStats(filter?: T.Input<T.PodSandboxStatsFilter>): Promise<T.PodSandboxStats[]> {
    this.record('listPodSandboxStats', [filter]);
    return this.store.listSandboxes({ id: filter?.id ?? '', label_selector: filter?.label_selector ?? {}, state: { state: 'SANDBOX_READY' } })
      .map((s) => this.store.sandboxStats(this.store.sandbox(s.id)!, this.nowNs()));
  }
  async updateRuntimeConfig(podCidr: string): Promise<void> {
    this.record('updateRuntimeConfig', [podCidr]);
  }
  async status(verbose = false): Promise<T.StatusResponse> {
    this.record('status', [verbose]);
    const cond = (type: string): T.RuntimeCondition => ({ type, status: true, reason: '', message: '' });
    return { status: { conditions: [cond('RuntimeReady'), cond('NetworkReady')] }, info: {}, runtime_handlers: [] };
  }

  // ---- ImageService ----

  async listImages(filter?: T.Input<T.ImageSpec>): Promise<T.Image[]> {
    this.record('listImages', [filter]);
    return this.store.listImages(filter?.image ? normalizeImageRef(filter.image) : '');
  }
  async imageStatus(image: T.Input<T.ImageSpec>, verbose = false): Promise<T.ImageStatusResponse> {
    this.record('imageStatus', [image, verbose]);
    const found = this.store.image(normalizeImageRef(image.image ?? ''));
    return { image: found ? structuredClone(found) : null, info: {} };
  }
  async pullImage(image: T.Input<T.ImageSpec>, auth?: T.Input<T.AuthConfig> | null, sandboxConfig?: T.Input<T.PodSandboxConfig> | null): Promise<string> {
    this.record('pullImage', [image, auth, sandboxConfig]);
    const ref = normalizeImageRef(image.image ?? '');
    const have = this.store.image(ref);
    if (have) return have.id;
    if (!this.pullable.has(ref)) {
      throw criError('Unknown', `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref}: not found`);
    }
    return this.store.addImage(ref).id;
  }
  async removeImage(image: T.Input<T.ImageSpec>): Promise<void> {
    this.record('removeImage', [image]);
    this.store.removeImage(normalizeImageRef(image.image ?? ''));
  }
  async imageFsInfo(): Promise<T.ImageFsInfoResponse> {
    this.record('imageFsInfo', []);
    const used = this.store.listImages('').reduce((n, i) => n + Number(i.size), 0);
    const usage: T.FilesystemUsage = { timestamp: String(this.nowNs()), fs_id: { mountpoint: '/fake/images' }, used_bytes: { value: String(used) }, inodes_used: { value: '0' } };
    return { image_filesystems: [usage], container_filesystems: [] };
  }

  // ---- internals ----

  private nowNs(): bigint {
    return BigInt(this.clock.now().getTime()) * 1_000_000n;
  }
  private mustContainer(id: string): FakeContainer {
    const c = this.store.container(id);
    if (!c) throw criError('NotFound', `an error occurred when try to find container "${id}": not found`);
    return c;
  }
  private exit(c: FakeContainer, code: number): void {
    this.finish(c, code, code === 0 ? 'Completed' : 'Error');
  }
  private kill(c: FakeContainer, code: number, reason: string): void {
    if (c.status.state === 'CONTAINER_RUNNING') this.finish(c, code, reason);
  }
  private finish(c: FakeContainer, code: number, reason: string, message = ''): void {
    if (c.timer !== undefined) this.clock.clearTimeout(c.timer as never);
    c.timer = undefined;
    Object.assign(c.status, { state: 'CONTAINER_EXITED', exit_code: code, reason, message, finished_at: String(this.nowNs()) });
  }
  private writeLog(c: FakeContainer, stream: 'stdout' | 'stderr', text: string): void {
    const line = `${this.clock.now().toISOString()} ${stream} F ${text}`;
    c.logs.push(line);
    if (this.o.writeLogFiles && c.status.log_path) {
      mkdirSync(dirname(c.status.log_path), { recursive: true });
      appendFileSync(c.status.log_path, `${line}\n`);
    }
  }
}
