// Test fixtures shared by this folder's tests: pods and CRI statuses built from a few fields.
import type { ContainerState, ContainerStatus, PodSandboxState, PodSandboxStatus } from '@k8ts/cri';
import type { Container, Pod, PodSpec } from 'kubernetes-types/core/v1';
import { ANNOTATIONS, LABELS } from '../status/labels.ts';
import { hashContainer } from './labels.ts';

export function makePod(spec: Partial<PodSpec> = {}, meta: Partial<NonNullable<Pod['metadata']>> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', ...meta },
    spec: { containers: [{ name: 'app', image: 'busybox' }], ...spec },
  };
}

const SECOND_NS = 1_000_000_000n;

export function sandboxStatus(fields: {
  id: string;
  attempt?: number;
  state?: PodSandboxState;
  createdSec?: number;
  ip?: string;
  network?: 'POD' | 'NODE';
}): PodSandboxStatus {
  return {
    id: fields.id,
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: fields.attempt ?? 0 },
    state: fields.state ?? 'SANDBOX_READY',
    created_at: String(BigInt(fields.createdSec ?? 1) * SECOND_NS),
    network: { ip: fields.ip ?? (fields.network === 'NODE' ? '' : '10.88.0.2'), additional_ips: [] },
    linux: { namespaces: { options: { network: fields.network ?? 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' } } },
    labels: {},
    annotations: {},
    runtime_handler: '',
  };
}

/** A runtime container of `container` (its hash annotation matches unless `hash` is given). */
export function containerStatus(
  container: Container,
  fields: { id: string; state: ContainerState; exitCode?: number; createdSec?: number; finishedSec?: number; reason?: string; hash?: string; attempt?: number },
): ContainerStatus {
  return {
    id: fields.id,
    metadata: { name: container.name, attempt: fields.attempt ?? 0 },
    state: fields.state,
    created_at: String(BigInt(fields.createdSec ?? 1) * SECOND_NS),
    started_at: '0',
    finished_at: String(BigInt(fields.finishedSec ?? 0) * SECOND_NS),
    exit_code: fields.exitCode ?? 0,
    image: null,
    image_ref: '',
    reason: fields.reason ?? '',
    message: '',
    labels: { [LABELS.containerName]: container.name },
    annotations: { [ANNOTATIONS.containerHash]: fields.hash ?? hashContainer(container) },
    mounts: [],
    log_path: '',
    resources: null,
    image_id: '',
  };
}
