// How a pod changed, as the queue needs to know it: whether an update could change a pending
// pod's scheduling result, and which events an update of a bound pod amounts to.
import type { Pod } from 'kubernetes-types/core/v1';
import { isDeepStrictEqual } from 'node:util';
import { podRequests, type Resource } from '../framework/resource.ts';
import { EVENTS, type ClusterEvent } from './events.ts';

/** The pod without what changes on every write and what cannot affect scheduling. */
function schedulingView(pod: Pod): unknown {
  const { resourceVersion: _rv, generation: _g, managedFields: _mf, finalizers: _f, ...metadata } = pod.metadata ?? {};
  const claims = pod.status?.resourceClaimStatuses;
  return { ...pod, metadata, status: claims ? { resourceClaimStatuses: claims } : {} };
}

/**
 * Whether a pending pod changed in a way that may change where it fits (upstream's
 * isPodUpdated): anything but status, resourceVersion, generation, managedFields and finalizers.
 */
export function isPodUpdated(oldPod: Pod | undefined, newPod: Pod): boolean {
  if (!oldPod) return true;
  return !isDeepStrictEqual(schedulingView(oldPod), schedulingView(newPod));
}

function shrank(before: Resource, after: Resource): boolean {
  if (after.milliCPU < before.milliCPU || after.memory < before.memory || after.ephemeralStorage < before.ephemeralStorage) return true;
  return Object.entries(before.scalar).some(([k, v]) => (after.scalar[k] ?? 0) < v);
}

/** The events an update of a bound pod stands for (labels changed, requests scaled down). */
export function assignedPodUpdateEvents(oldPod: Pod, newPod: Pod): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if (!isDeepStrictEqual(oldPod.metadata?.labels ?? {}, newPod.metadata?.labels ?? {})) out.push(EVENTS.PodLabelChange);
  if (shrank(podRequests(oldPod), podRequests(newPod))) out.push(EVENTS.PodScaleDown);
  return out;
}
