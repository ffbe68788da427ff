// Resource amounts as the scheduler counts them (upstream's framework.Resource): cpu in
// millicores, memory and ephemeral storage in bytes, allowed pods, and any other named resource
// (extended resources such as example.com/gpu, hugepages-2Mi) as a plain number.
//
// What a pod requests follows component-helpers' PodRequests: the sum over its containers plus
// restartable (sidecar) init containers, or — when larger — what an ordinary init container needs
// while the sidecars started before it run, plus the pod's overhead. Regular init containers run
// one at a time, so only the largest of them counts.
import { parseQuantity, quantityMilli } from '@k8ts/api';
import type { Container, Pod, ResourceRequirements } from 'kubernetes-types/core/v1';

export interface Resource {
  milliCPU: number;
  memory: number;
  ephemeralStorage: number;
  /** Pods a node allows; only meaningful for a node's allocatable. */
  allowedPodNumber: number;
  scalar: Record<string, number>;
}

/** Scoring counts a container that requests no cpu/memory as if it asked for these (upstream's defaults). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

// Every Resource is made by this one function, so all of them share one hidden class: the filters
// and scores that read them for every node of every cycle then stay monomorphic.
const makeResource = (milliCPU: number, memory: number, ephemeralStorage: number, allowedPodNumber: number, scalar: Record<string, number>): Resource =>
  ({ milliCPU, memory, ephemeralStorage, allowedPodNumber, scalar });

export const emptyResource = (): Resource => makeResource(0, 0, 0, 0, {});

export const cloneResource = (r: Resource): Resource => makeResource(r.milliCPU, r.memory, r.ephemeralStorage, r.allowedPodNumber, { ...r.scalar });

/** Reads a ResourceList (requests, limits, allocatable, overhead). Unparseable quantities count as 0. */
export function resourceFromList(list: Readonly<Record<string, string | number>> | undefined): Resource {
  const r = emptyResource();
  for (const [name, q] of Object.entries(list ?? {})) {
    switch (name) {
      case 'cpu':
        r.milliCPU = quantityMilli(q) ?? 0;
        break;
      case 'memory':
        r.memory = parseQuantity(q) ?? 0;
        break;
      case 'ephemeral-storage':
        r.ephemeralStorage = parseQuantity(q) ?? 0;
        break;
      case 'pods':
        r.allowedPodNumber = parseQuantity(q) ?? 0;
        break;
      default:
        r.scalar[name] = parseQuantity(q) ?? 0;
    }
  }
  return r;
}

export function addInto(into: Resource, r: Resource, sign: 1 | -1 = 1): Resource {
  into.milliCPU += sign * r.milliCPU;
  into.memory += sign * r.memory;
  into.ephemeralStorage += sign * r.ephemeralStorage;
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = (into.scalar[k] ?? 0) + sign * v;
  return into;
}

function maxInto(into: Resource, r: Resource): Resource {
  into.milliCPU = Math.max(into.milliCPU, r.milliCPU);
  into.memory = Math.max(into.memory, r.memory);
  into.ephemeralStorage = Math.max(into.ephemeralStorage, r.ephemeralStorage);
  for (const [k, v] of Object.entries(r.scalar)) into.scalar[k] = Math.max(into.scalar[k] ?? 0, v);
  return into;
}

/** Requests default to limits when only limits are set (the API server's defaulting does the same). */
function containerRequests(c: Pick<Container, 'resources'>, nonZero: boolean): Resource {
  const res: ResourceRequirements = c.resources ?? {};
  const r = resourceFromList({ ...(res.limits ?? {}), ...(res.requests ?? {}) });
  if (nonZero) {
    const requests = { ...(res.limits ?? {}), ...(res.requests ?? {}) };
    if (requests.cpu === undefined) r.milliCPU = DEFAULT_MILLI_CPU_REQUEST;
    if (requests.memory === undefined) r.memory = DEFAULT_MEMORY_REQUEST;
  }
  return r;
}

/**
 * What the pod needs on a node. With `nonZero`, cpu and memory that a container leaves unset count
 * as the scoring defaults (upstream's NonMissingContainerRequests), so that scoring spreads pods
 * with no requests instead of piling them onto one node.
 */
export function podRequests(pod: Pod, opts: { nonZero?: boolean } = {}): Resource {
  const nonZero = opts.nonZero ?? false;
  const spec = pod.spec;
  const total = emptyResource();
  for (const c of spec?.containers ?? []) addInto(total, containerRequests(c, nonZero));
  const sidecars = emptyResource();
  const initMax = emptyResource();
  for (const c of spec?.initContainers ?? []) {
    const req = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      addInto(total, req);
      addInto(sidecars, req);
      maxInto(initMax, cloneResource(sidecars));
    } else {
      maxInto(initMax, addInto(cloneResource(sidecars), req));
    }
  }
  maxInto(total, initMax);
  if (spec?.overhead) addInto(total, resourceFromList(spec.overhead));
  return total;
}
