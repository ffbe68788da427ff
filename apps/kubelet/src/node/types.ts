// The inputs of the Node's status: what the host and the runtime report at one moment.
import type { Image, StatusResponse, VersionResponse } from '@k8ts/cri';
import type { Node } from 'kubernetes-types/core/v1';

/** The host as cAdvisor would describe it to the kubelet. */
export interface MachineInfo {
  cpuCores: number;
  memoryBytes: number;
  /** Capacity of the filesystem holding the kubelet's root dir (ephemeral-storage). */
  diskBytes: number;
  hostname: string;
  internalIP: string;
  kernelVersion: string;
  osImage: string;
  /** GOARCH spelling: amd64, arm64, … */
  architecture: string;
  /** GOOS spelling: linux, … */
  operatingSystem: string;
  machineID: string;
  systemUUID: string;
  bootID: string;
}

/** The CRI's answers this round, or the error that replaced them. */
export type RuntimeReport =
  | { version: VersionResponse; status: StatusResponse }
  | { error: unknown };

export interface NodeStatusInput {
  /** The Node as last read or written; its conditions' transition times carry over. */
  node?: Node;
  machine: MachineInfo;
  runtime: RuntimeReport;
  /** The runtime's images; undefined (ListImages failed) keeps the previous list. */
  images?: Image[];
  kubeletVersion: string;
  /**
   * Subtracted from capacity to give allocatable (kube-reserved + system-reserved + hard
   * eviction thresholds), in base units. Default: upstream's hard eviction thresholds,
   * memory.available<100Mi and nodefs.available<10%.
   */
  reserved?: { cpu?: number; memory?: number; ephemeralStorage?: number };
  /** The kubelet's port for daemonEndpoints (default 10250). */
  kubeletPort?: number;
  /** --max-pods: capacity and allocatable `pods` (default 110). */
  maxPods?: number;
  now: Date;
}
