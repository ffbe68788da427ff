// Builders for the status tests: a pod, CRI sandboxes and container attempts shaped as
// proto-loader delivers them, times as seconds after T0.
import type { ContainerState, ContainerStatus, PodSandboxStatus } from '@k8ts/cri';
import type { Container, Pod, PodSpec, PodStatus } from 'kubernetes-types/core/v1';
import { computePodStatus } from './compute.ts';
import { ANNOTATIONS, LABELS } from './labels.ts';
import type { ProbeResult, StatusInput } from './types.ts';

/** What a test expects of a status: any part of it, at any depth (checked with toMatchObject). */
export type DeepPartial<T> = T extends readonly (infer U)[] ? DeepPartial<U>[] : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export const T0 = Date.UTC(2025, 0, 1);
/** API time `s` seconds after T0. */
export const at = (s: number) => new Date(T0 + s * 1000).toISOString().replace('.000Z', 'Z');
const nanos = (s: number) => (BigInt(T0 + s * 1000) * 1_000_000n).toString();

export function makePod(spec: Partial<PodSpec> = {}, extra: Partial<Pod> = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1' },
    spec: { containers: [{ name: 'c', image: 'busybox' }], restartPolicy: 'Always', nodeName: 'n1', ...spec },
    status: {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: at(0) }],
    },
    ...extra,
  };
}

export const container = (name: string, more: Partial<Container> = {}): Container => ({ name, image: 'busybox', ...more });

export interface SandboxOptions {
  id?: string;
  created?: number;
  state?: PodSandboxStatus['state'];
  ip?: string;
  hostNetwork?: boolean;
}

export function sandbox(o: SandboxOptions = {}): PodSandboxStatus {
  return {
    id: o.id ?? 'sb1',
    metadata: { name: 'p', namespace: 'ns', uid: 'uid-1', attempt: 0 },
    state: o.state ?? 'SANDBOX_READY',
    created_at: nanos(o.created ?? 1),
    network: { ip: o.hostNetwork ? '' : (o.ip ?? '10.244.1.5'), additional_ips: [] },
    linux: { namespaces: { options: { network: o.hostNetwork ? 'NODE' : 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' } } },
    labels: { [LABELS.podName]: 'p', [LABELS.podNamespace]: 'ns', [LABELS.podUid]: 'uid-1' },
    annotations: {},
    runtime_handler: '',
  };
}

export interface AttemptOptions {
  id: string;
  attempt?: number;
  state: ContainerState;
  exitCode?: number;
  reason?: string;
  message?: string;
  created?: number;
  started?: number;
  finished?: number;
  image?: string;
}

/** One attempt of container `name` as the runtime reports it. */
export function attempt(name: string, o: AttemptOptions): ContainerStatus {
  const n = o.attempt ?? 0;
  const created = o.created ?? 2 + n * 10;
  const running = o.state === 'CONTAINER_RUNNING' || o.state === 'CONTAINER_EXITED';
  const image = o.image ?? 'docker.io/library/busybox:latest';
  return {
    id: o.id,
    metadata: { name, attempt: n },
    state: o.state,
    created_at: nanos(created),
    started_at: running ? nanos(o.started ?? created + 1) : '0',
    finished_at: o.state === 'CONTAINER_EXITED' ? nanos(o.finished ?? created + 5) : '0',
    exit_code: o.exitCode ?? 0,
    image: { image, annotations: {}, user_specified_image: '', runtime_handler: '', image_ref: '' },
    image_ref: 'docker.io/library/busybox@sha256:aaaa',
    reason: o.reason ?? '',
    message: o.message ?? '',
    labels: { [LABELS.podName]: 'p', [LABELS.podNamespace]: 'ns', [LABELS.podUid]: 'uid-1', [LABELS.containerName]: name },
    annotations: { [ANNOTATIONS.restartCount]: String(n) },
    mounts: [],
    log_path: `${name}/${n}.log`,
    resources: null,
    image_id: 'sha256:aaaa',
  };
}

export const exited = (name: string, id: string, exitCode: number, reason: string, more: Partial<AttemptOptions> = {}) =>
  attempt(name, { id, state: 'CONTAINER_EXITED', exitCode, reason, ...more });
export const running = (name: string, id: string, more: Partial<AttemptOptions> = {}) =>
  attempt(name, { id, state: 'CONTAINER_RUNNING', ...more });

/** Seconds after T0 at which computeAt computes. */
export const NOW = 100;
export const BACKOFF = 'back-off 10s restarting failed container=c pod=p_ns(uid-1)';

export type PartialInput = Partial<StatusInput> & Pick<StatusInput, 'pod'>;
export interface StatusCase {
  name: string;
  input: PartialInput;
  want: DeepPartial<PodStatus>;
}

/** computePodStatus with one ready sandbox, no containers, a host IP and NOW as defaults. */
export function computeAt(input: PartialInput): PodStatus {
  return computePodStatus({ sandboxes: [sandbox()], containers: [], hostIPs: ['192.168.1.10'], now: new Date(T0 + NOW * 1000), ...input });
}

export const probes = (entries: Record<string, ProbeResult>) => new Map(Object.entries(entries));
export const waiting = (entries: Record<string, [string, string?]>) =>
  new Map(Object.entries(entries).map(([k, [reason, message]]) => [k, message ? { reason, message } : { reason }]));

/** Ready and ContainersReady carry the same verdict unless readiness gates intervene. */
export const readiness = (status: 'True' | 'False', reason?: string, message?: string) => {
  const rest = { status, ...(reason ? { reason } : {}), ...(message ? { message } : {}) };
  return [{ type: 'Ready', ...rest }, { type: 'ContainersReady', ...rest }];
};
export const notReady = (names: string) => readiness('False', 'ContainersNotReady', `containers with unready status: [${names}]`);
export const CONDITIONS_RUNNING = [
  { type: 'PodReadyToStartContainers', status: 'True' },
  { type: 'Initialized', status: 'True' },
  ...readiness('True'),
  { type: 'PodScheduled', status: 'True' },
];
