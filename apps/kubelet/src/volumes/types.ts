// Shapes shared by the volume modules: the lookup port for ConfigMaps and Secrets, what a set-up
// volume looks like to the container-mount code, and the per-pod results.
import type { Pod } from 'kubernetes-types/core/v1';
import type { Mounter } from './mounter.ts';

/** A ConfigMap's payload; `binaryData` values are raw bytes. */
export interface ConfigMapValues {
  data: Readonly<Record<string, string>>;
  binaryData: Readonly<Record<string, Uint8Array>>;
}

/** A Secret's payload, base64 already decoded. */
export interface SecretValues {
  data: Readonly<Record<string, Uint8Array>>;
}

/**
 * The kubelet's view of ConfigMaps and Secrets in the pod's namespace. `undefined` means the
 * object does not exist; an ApiError with reason NotFound thrown by a port means the same.
 * Any other error is reported as the volume's set-up failure.
 */
export interface VolumeSources {
  configMap(namespace: string, name: string): Promise<ConfigMapValues | undefined>;
  secret(namespace: string, name: string): Promise<SecretValues | undefined>;
}

/** Upstream's plugin directory names under `<podDir>/volumes/` (`/` escaped as `~`). */
export const PLUGIN_DIRS = {
  emptyDir: 'kubernetes.io~empty-dir',
  configMap: 'kubernetes.io~configmap',
  secret: 'kubernetes.io~secret',
  downwardAPI: 'kubernetes.io~downward-api',
  projected: 'kubernetes.io~projected',
} as const;

export type VolumeKind = keyof typeof PLUGIN_DIRS | 'hostPath';

/** Kinds whose content comes from the API and is rewritten by `refreshPodVolumes`. */
export const CONTENT_KINDS: ReadonlySet<VolumeKind> = new Set(['configMap', 'secret', 'downwardAPI', 'projected']);

/** Where a set-up volume lives on the host. `readOnly` is the plugin's own rule (API content is never writable). */
export interface VolumePath {
  kind: VolumeKind;
  hostPath: string;
  readOnly: boolean;
}

export type VolumePaths = ReadonlyMap<string, VolumePath>;

/** One volume that could not be set up; `message` is the FailedMount event text upstream emits. */
export interface VolumeFailure {
  volume: string;
  error: Error;
  message: string;
}

export interface SetUpResult {
  /** Every volume that is ready, by name. */
  paths: VolumePaths;
  /** Volumes that failed; the pod must not start its containers while this is non-empty. */
  failures: VolumeFailure[];
  /** Things deliberately left out (e.g. projected service-account tokens). */
  warnings: string[];
}

export interface RefreshResult {
  /** Names of the volumes whose files changed. */
  updated: string[];
  failures: VolumeFailure[];
  warnings: string[];
}

export interface SetUpOptions {
  /** `<root>/pods/<uid>`. */
  podDir: string;
  sources: VolumeSources;
  /** Names the atomic writer's timestamped directories. */
  now: () => Date;
  /** Mounts tmpfs for medium Memory; default: the host's mount(8). */
  mounter?: Mounter;
  /** Node allocatable (cpu, memory, ephemeral-storage) for unset limits in resourceFieldRef and tmpfs sizes. */
  nodeAllocatable?: Readonly<Record<string, string>>;
  /**
   * Secret, downwardAPI and projected volumes sit on tmpfs as upstream (their data never touches
   * disk). Default true; false keeps them on disk where mounting is impossible (hollow nodes).
   */
  memoryBackedContent?: boolean;
}

export type PodLike = Pick<Pod, 'metadata' | 'spec'>;
