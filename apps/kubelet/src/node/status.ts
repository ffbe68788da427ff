// nodeStatus: the whole v1 NodeStatus a kubelet reports, computed from one snapshot of the host
// and the runtime (upstream's nodestatus setters, run in their order).
import { formatQuantity } from '@k8ts/api';
import type { Image } from '@k8ts/cri';
import type { ContainerImage, NodeStatus, NodeSystemInfo } from 'kubernetes-types/core/v1';
import { nodeConditions } from './conditions.ts';
import type { MachineInfo, NodeStatusInput, RuntimeReport } from './types.ts';

/** Upstream's default --max-pods. */
export const MAX_PODS = 110;
/** nodeStatusMaxImages: the largest images only, so the Node object stays small. */
export const MAX_IMAGES = 50;
export const MAX_NAMES_PER_IMAGE = 5;
/** Default hard eviction thresholds, reserved from allocatable as upstream does. */
export const EVICTION_MEMORY_BYTES = 100 * 1024 * 1024;
export const EVICTION_NODEFS_FRACTION = 0.1;

export function nodeStatus(input: NodeStatusInput): NodeStatus {
  const { machine: m, node } = input;
  const reserved = {
    cpu: input.reserved?.cpu ?? 0,
    memory: input.reserved?.memory ?? EVICTION_MEMORY_BYTES,
    ephemeralStorage: input.reserved?.ephemeralStorage ?? Math.ceil(m.diskBytes * EVICTION_NODEFS_FRACTION),
  };
  const resources = (cpu: number, memory: number, disk: number) => ({
    cpu: formatQuantity(Math.max(0, cpu), 'DecimalSI'),
    'ephemeral-storage': formatQuantity(Math.max(0, disk), 'BinarySI'),
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
    memory: formatQuantity(Math.max(0, memory), 'BinarySI'),
    pods: String(input.maxPods ?? MAX_PODS),
  });
  return {
    capacity: resources(m.cpuCores, m.memoryBytes, m.diskBytes),
    allocatable: resources(m.cpuCores - reserved.cpu, m.memoryBytes - reserved.memory, m.diskBytes - reserved.ephemeralStorage),
    conditions: nodeConditions(node?.status?.conditions ?? [], input.runtime, input.now),
    addresses: [
      { type: 'InternalIP', address: m.internalIP },
      { type: 'Hostname', address: m.hostname },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: input.kubeletPort ?? 10250 } },
    nodeInfo: nodeInfo(m, input.runtime, input.kubeletVersion, node?.status?.nodeInfo),
    images: input.images ? nodeImages(input.images) : (node?.status?.images ?? []),
  };
}

/** While the runtime cannot answer, its last known version stays reported. */
function nodeInfo(m: MachineInfo, runtime: RuntimeReport, kubeletVersion: string, previous?: NodeSystemInfo): NodeSystemInfo {
  const containerRuntimeVersion = 'version' in runtime
    ? `${runtime.version.runtime_name}://${runtime.version.runtime_version}`
    : (previous?.containerRuntimeVersion ?? '');
  return {
    architecture: m.architecture,
    bootID: m.bootID,
    containerRuntimeVersion,
    kernelVersion: m.kernelVersion,
    // Not reported since 1.31 (DisableNodeKubeProxyVersion); the field stays required.
    kubeProxyVersion: '',
    kubeletVersion,
    machineID: m.machineID,
    operatingSystem: m.operatingSystem,
    osImage: m.osImage,
    systemUUID: m.systemUUID,
  };
}

/** Largest first, at most MAX_IMAGES; names are digests then tags, at most MAX_NAMES_PER_IMAGE. */
export function nodeImages(images: readonly Image[]): ContainerImage[] {
  return [...images]
    .sort((a, b) => Number(b.size) - Number(a.size))
    .slice(0, MAX_IMAGES)
    .map((i) => ({ names: [...i.repo_digests, ...i.repo_tags].slice(0, MAX_NAMES_PER_IMAGE), sizeBytes: Number(i.size) }));
}
