// The FakeRuntime's records and the runtime's list filters (id prefix, state, label selector).
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { ContainerBehaviour } from './fake.ts';
import type * as T from './types.ts';

export interface FakeSandbox { status: T.PodSandboxStatus; logDirectory: string }
export interface FakeContainer {
  status: T.ContainerStatus;
  sandboxId: string;
  behaviour: ContainerBehaviour;
  logs: string[];
  timer?: unknown;
}

const newId = () => randomBytes(32).toString('hex');
const matches = (labels: T.Labels, selector: T.Input<T.Labels> | null | undefined) =>
  Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
/** CRI filters accept a unique id prefix, as crictl does. */
const idMatches = (id: string, want: string | null | undefined) => !want || id.startsWith(want);

const EMPTY_SPEC: T.ImageSpec = { image: '', annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' };

export class FakeStore {
  private readonly sandboxes = new Map<string, FakeSandbox>();
  private readonly containers = new Map<string, FakeContainer>();
  private readonly images = new Map<string, T.Image>();

  constructor(private readonly nowMs: () => number) {}

  private nowNs = () => String(BigInt(this.nowMs()) * 1_000_000n);

  addImage(ref: string): T.Image {
    const existing = this.image(ref);
    if (existing) return existing;
    const id = `sha256:${createHash('sha256').update(ref).digest('hex')}`;
    const image: T.Image = { id, repo_tags: [ref], repo_digests: [], size: '2154496', uid: null, username: '', spec: null, pinned: false };
    this.images.set(ref, image);
    return image;
  }
  image(refOrId: string): T.Image | undefined {
    return this.images.get(refOrId) ?? [...this.images.values()].find((i) => i.id === refOrId);
  }
  removeImage(ref: string): void {
    this.images.delete(ref);
  }
  listImages(ref: string): T.Image[] {
    return [...this.images.values()].filter((i) => !ref || i.repo_tags.includes(ref)).map((i) => structuredClone(i));
  }

  addSandbox(config: T.Input<T.PodSandboxConfig>, runtimeHandler: string): FakeSandbox {
    const id = newId();
    const m = config.metadata ?? {};
    const ns = config.linux?.security_context?.namespace_options ?? {};
    const status: T.PodSandboxStatus = {
      id,
      metadata: { name: m.name ?? '', uid: m.uid ?? '', namespace: m.namespace ?? '', attempt: m.attempt ?? 0 },
      state: 'SANDBOX_READY',
      created_at: this.nowNs(),
      // hostNetwork sandboxes get no pod IP from the runtime (the kubelet uses the node's).
      network: { ip: ns.network === 'NODE' ? '' : `10.88.0.${(this.sandboxes.size % 250) + 2}`, additional_ips: [] },
      linux: { namespaces: { options: { network: ns.network ?? 'POD', pid: ns.pid ?? 'POD', ipc: ns.ipc ?? 'POD', target_id: '' } } },
      labels: { ...(config.labels ?? {}) } as T.Labels,
      annotations: { ...(config.annotations ?? {}) } as T.Labels,
      runtime_handler: runtimeHandler,
    };
    const sb: FakeSandbox = { status, logDirectory: config.log_directory ?? '' };
    this.sandboxes.set(id, sb);
    return sb;
  }
  sandbox(id: string): FakeSandbox | undefined {
    return this.sandboxes.get(id);
  }
  removeSandbox(id: string): void {
    this.sandboxes.delete(id);
  }
  listSandboxes(f?: T.Input<T.PodSandboxFilter> | null): T.PodSandbox[] {
    return [...this.sandboxes.values()]
      .filter(({ status: s }) => idMatches(s.id, f?.id) && (!f?.state?.state || s.state === f.state.state) && matches(s.labels, f?.label_selector))
      .map(({ status: s }) => structuredClone({ id: s.id, metadata: s.metadata, state: s.state, created_at: s.created_at, labels: s.labels, annotations: s.annotations, runtime_handler: s.runtime_handler }));
  }

  addContainer(sb: FakeSandbox, config: T.Input<T.ContainerConfig>, image: T.Image, behaviour: ContainerBehaviour): FakeContainer {
    const id = newId();
    const spec = { ...EMPTY_SPEC, image: image.repo_tags[0] ?? '' };
    const status: T.ContainerStatus = {
      id,
      metadata: { name: config.metadata?.name ?? '', attempt: config.metadata?.attempt ?? 0 },
      state: 'CONTAINER_CREATED',
      created_at: this.nowNs(),
      started_at: '0',
      finished_at: '0',
      exit_code: 0,
      image: spec,
      image_ref: image.id,
      reason: '',
      message: '',
      labels: { ...(config.labels ?? {}) } as T.Labels,
      annotations: { ...(config.annotations ?? {}) } as T.Labels,
      mounts: (config.mounts ?? []).map((mt) => ({
        container_path: mt.container_path ?? '', host_path: mt.host_path ?? '', readonly: mt.readonly ?? false,
        selinux_relabel: false, propagation: mt.propagation ?? 'PROPAGATION_PRIVATE', recursive_read_only: false,
      })),
      log_path: config.log_path && sb.logDirectory ? join(sb.logDirectory, config.log_path) : (config.log_path ?? ''),
      resources: null,
      image_id: image.id,
    };
    const c: FakeContainer = { status, sandboxId: sb.status.id, behaviour, logs: [] };
    this.containers.set(id, c);
    return c;
  }
  container(id: string): FakeContainer | undefined {
    return this.containers.get(id);
  }
  containersOf(sandboxId: string): FakeContainer[] {
    return [...this.containers.values()].filter((c) => c.sandboxId === sandboxId);
  }
  removeContainer(id: string): void {
    this.containers.delete(id);
  }
  listContainers(f?: T.Input<T.ContainerFilter> | null): T.Container[] {
    return [...this.containers.values()]
      .filter((c) => idMatches(c.status.id, f?.id) && (!f?.pod_sandbox_id || c.sandboxId === f.pod_sandbox_id)
        && (!f?.state?.state || c.status.state === f.state.state) && matches(c.status.labels, f?.label_selector))
      .map(({ status: s, sandboxId }) => structuredClone({
        id: s.id, pod_sandbox_id: sandboxId, metadata: s.metadata, image: s.image, image_ref: s.image_ref,
        state: s.state, created_at: s.created_at, labels: s.labels, annotations: s.annotations, image_id: s.image_id,
      }));
  }

  stats(c: FakeContainer, nowNs: bigint): T.ContainerStats {
    const ts = String(nowNs);
    const v = (n: number | string) => ({ value: String(n) });
    return {
      attributes: { id: c.status.id, metadata: structuredClone(c.status.metadata), labels: { ...c.status.labels }, annotations: { ...c.status.annotations } },
      cpu: { timestamp: ts, usage_core_nano_seconds: v(0), usage_nano_cores: v(0) },
      memory: { timestamp: ts, working_set_bytes: v(c.behaviour.memoryWorkingSetBytes ?? 0), available_bytes: null, usage_bytes: v(c.behaviour.memoryWorkingSetBytes ?? 0), rss_bytes: null, page_faults: null, major_page_faults: null },
      writable_layer: null,
    };
  }
  sandboxStats(sb: FakeSandbox, nowNs: bigint): T.PodSandboxStats {
    const containers = this.containersOf(sb.status.id).filter((c) => c.status.state === 'CONTAINER_RUNNING').map((c) => this.stats(c, nowNs));
    const mem = containers.reduce((n, s) => n + Number(s.memory?.working_set_bytes?.value ?? 0), 0);
    const ts = String(nowNs);
    return {
      attributes: { id: sb.status.id, metadata: structuredClone(sb.status.metadata), labels: { ...sb.status.labels }, annotations: { ...sb.status.annotations } },
      linux: {
        cpu: { timestamp: ts, usage_core_nano_seconds: { value: '0' }, usage_nano_cores: { value: '0' } },
        memory: { timestamp: ts, working_set_bytes: { value: String(mem) }, available_bytes: null, usage_bytes: { value: String(mem) }, rss_bytes: null, page_faults: null, major_page_faults: null },
        network: null,
        process: null,
        containers,
      },
    };
  }
}
