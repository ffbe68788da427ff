// The Filter half of NodeResourcesFit: which of the pod's requests the node cannot hold next to
// what its pods already request. Preemption calls fitsRequest to see what evicting would free.
import { Amount, type NodeInfo } from '../../framework/node-info.ts';
import type { Resource } from '../../framework/resource.ts';

export interface InsufficientResource {
  resourceName: string;
  /** The Filter's failure reason for this resource, e.g. "Insufficient cpu". */
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

/** An extended resource: namespaced by a domain other than kubernetes.io (e.g. example.com/gpu). */
export function isExtendedResourceName(name: string): boolean {
  if (!name.includes('/') || name.includes('kubernetes.io/')) return false;
  return !name.startsWith('requests.');
}

export interface IgnoredResources {
  readonly names: ReadonlySet<string>;
  readonly groups: ReadonlySet<string>;
}

export const NO_IGNORED: IgnoredResources = { names: new Set(), groups: new Set() };

/**
 * Every reason the node cannot take the pod, in upstream's order: pod count first, then cpu,
 * memory, ephemeral storage and the scalar resources. Only resources the pod requests (non-zero)
 * are checked; ignored extended resources (by name or by group) are not.
 */
/** Nothing insufficient: shared, so the common case allocates nothing. */
const FITS: readonly InsufficientResource[] = Object.freeze([]);

export function fitsRequest(podRequest: Resource, nodeInfo: NodeInfo, ignored: IgnoredResources = NO_IGNORED): readonly InsufficientResource[] {
  let found: InsufficientResource[] | undefined;
  // Written out rather than through a helper closure, and reading pods, cpu and memory with
  // amount() (node-info.ts says why): this runs for every node of every cycle.
  const pods = nodeInfo.amount(Amount.Pods);
  const allowedPods = nodeInfo.amount(Amount.AllowedPods);
  if (pods + 1 > allowedPods) (found ??= []).push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: pods, capacity: allowedPods });
  const cpu = podRequest.milliCPU;
  const usedCpu = nodeInfo.amount(Amount.RequestedCpu);
  const allocatableCpu = nodeInfo.amount(Amount.AllocatableCpu);
  if (cpu > 0 && cpu > allocatableCpu - usedCpu)
    (found ??= []).push({ resourceName: 'cpu', reason: 'Insufficient cpu', requested: cpu, used: usedCpu, capacity: allocatableCpu });
  const memory = podRequest.memory;
  const usedMemory = nodeInfo.amount(Amount.RequestedMemory);
  const allocatableMemory = nodeInfo.amount(Amount.AllocatableMemory);
  if (memory > 0 && memory > allocatableMemory - usedMemory)
    (found ??= []).push({ resourceName: 'memory', reason: 'Insufficient memory', requested: memory, used: usedMemory, capacity: allocatableMemory });
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (podRequest.ephemeralStorage > 0 && podRequest.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    (found ??= []).push({
      resourceName: 'ephemeral-storage', reason: 'Insufficient ephemeral-storage',
      requested: podRequest.ephemeralStorage, used: used.ephemeralStorage, capacity: alloc.ephemeralStorage,
    });
  }
  // This runs for every node of every cycle: iterate without building intermediate arrays.
  for (const name in podRequest.scalar) {
    const q = podRequest.scalar[name] ?? 0;
    if (q === 0) continue;
    if (isExtendedResourceName(name) && (ignored.names.has(name) || ignored.groups.has(name.split('/')[0] ?? ''))) continue;
    const usedQ = used.scalar[name] ?? 0;
    const capacity = alloc.scalar[name] ?? 0;
    if (q > capacity - usedQ) (found ??= []).push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: usedQ, capacity });
  }
  return found ?? FITS;
}
