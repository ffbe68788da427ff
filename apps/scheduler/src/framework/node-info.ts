// A node with the pods the scheduler counts on it (upstream's NodeInfo): bound pods, and pods
// it has assumed but whose binding it has not yet seen. It keeps running totals so filters and
// scores read them in O(1): requested resources, host ports in use, pods with affinity terms.
// `generation` changes on every mutation, so a snapshot can copy only the nodes that changed.
//
// The totals every cycle reads on every node (pods, cpu, memory) are also kept side by side in a
// Float64Array, read with `amount()`. Read through `allocatable`, `requested` and `pods`, the
// same numbers lie in several objects, and memory in bytes is too large for V8's small integers,
// so each one is a boxed double elsewhere in the heap. With 5,000 nodes nothing stays in the CPU
// cache between cycles, and those scattered reads were most of NodeResourcesFit's time. A
// snapshot goes further and moves its nodes' amounts into one table, in node order
// (cache-snapshot.ts), so that walking the nodes reads consecutive memory.
import type { Node, Pod, Taint } from 'kubernetes-types/core/v1';
import { hasAffinity, hasRequiredAntiAffinity, newPodInfo, type PodInfo } from './pod-info.ts';
import { addInto, cloneResource, emptyResource, resourceFromList, type Resource } from './resource.ts';

const NO_TAINTS: readonly Taint[] = Object.freeze([]);

/** The totals `NodeInfo.amount()` reads: cpu in millicores, memory in bytes. */
export const enum Amount {
  AllocatableCpu,
  AllocatableMemory,
  AllowedPods,
  RequestedCpu,
  RequestedMemory,
  NonZeroRequestedCpu,
  NonZeroRequestedMemory,
  Pods,
}
/** How many numbers a NodeInfo's amounts take. */
export const AMOUNTS = 8;

let generationCounter = 0;
const nextGeneration = () => ++generationCounter;

/** A host port in use: "<protocol>/<port>" per host IP ("0.0.0.0" means every address). */
export class HostPortInfo {
  readonly #byIp = new Map<string, Set<string>>();

  add(ip: string | undefined, protocol: string | undefined, port: number): void {
    const key = `${protocol || 'TCP'}/${port}`;
    const ipKey = ip || '0.0.0.0';
    let set = this.#byIp.get(ipKey);
    if (!set) this.#byIp.set(ipKey, (set = new Set()));
    set.add(key);
  }

  remove(ip: string | undefined, protocol: string | undefined, port: number): void {
    const ipKey = ip || '0.0.0.0';
    const set = this.#byIp.get(ipKey);
    set?.delete(`${protocol || 'TCP'}/${port}`);
    if (set?.size === 0) this.#byIp.delete(ipKey);
  }

  /** A wildcard address conflicts with every address on the same protocol and port, and vice versa. */
  conflicts(ip: string | undefined, protocol: string | undefined, port: number): boolean {
    if (port <= 0) return false;
    const key = `${protocol || 'TCP'}/${port}`;
    const ipKey = ip || '0.0.0.0';
    if (ipKey === '0.0.0.0') for (const set of this.#byIp.values()) if (set.has(key)) return true;
    return this.#byIp.get(ipKey)?.has(key) === true || this.#byIp.get('0.0.0.0')?.has(key) === true;
  }

  get size(): number {
    let n = 0;
    for (const s of this.#byIp.values()) n += s.size;
    return n;
  }

  clone(): HostPortInfo {
    const c = new HostPortInfo();
    for (const [ip, set] of this.#byIp) c.#byIp.set(ip, new Set(set));
    return c;
  }
}

/** The host ports a pod's containers ask for (init containers included, as upstream). */
export function podHostPorts(pod: Pod): { ip: string | undefined; protocol: string | undefined; port: number }[] {
  const out = [];
  for (const c of [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])])
    for (const p of c.ports ?? []) if (p.hostPort && p.hostPort > 0) out.push({ ip: p.hostIP, protocol: p.protocol, port: p.hostPort });
  return out;
}

export class NodeInfo {
  node: Node | undefined;
  // The node's fields that filters read for every node of every cycle, kept beside it.
  name = '';
  unschedulable = false;
  taints: readonly Taint[] = NO_TAINTS;
  pods: PodInfo[] = [];
  podsWithAffinity: PodInfo[] = [];
  podsWithRequiredAntiAffinity: PodInfo[] = [];
  usedPorts = new HostPortInfo();
  requested: Resource = emptyResource();
  nonZeroRequested: Resource = emptyResource();
  allocatable: Resource = emptyResource();
  // Copies of the hot totals above, changed only with them: AMOUNTS numbers from #at on, in an
  // array of this NodeInfo's own or in a snapshot's table (moveAmounts).
  #amounts: Float64Array = new Float64Array(AMOUNTS);
  #at = 0;
  generation = nextGeneration();

  constructor(node?: Node, pods: readonly Pod[] = []) {
    if (node) this.setNode(node);
    for (const p of pods) this.addPod(newPodInfo(p));
  }

  setNode(node: Node): void {
    this.node = node;
    this.name = node.metadata?.name ?? '';
    this.unschedulable = node.spec?.unschedulable === true;
    this.taints = node.spec?.taints ?? NO_TAINTS;
    this.allocatable = resourceFromList(node.status?.allocatable);
    this.#amounts[this.#at + Amount.AllocatableCpu] = this.allocatable.milliCPU;
    this.#amounts[this.#at + Amount.AllocatableMemory] = this.allocatable.memory;
    this.#amounts[this.#at + Amount.AllowedPods] = this.allocatable.allowedPodNumber;
    this.generation = nextGeneration();
  }

  addPod(pi: PodInfo): void {
    this.pods.push(pi);
    if (hasAffinity(pi)) this.podsWithAffinity.push(pi);
    if (hasRequiredAntiAffinity(pi)) this.podsWithRequiredAntiAffinity.push(pi);
    addInto(this.requested, pi.requests);
    addInto(this.nonZeroRequested, pi.nonZeroRequests);
    this.#count(pi, 1);
    for (const p of podHostPorts(pi.pod)) this.usedPorts.add(p.ip, p.protocol, p.port);
    this.generation = nextGeneration();
  }

  /** Removes the pod with the same uid; false when it was not here. */
  removePod(pod: Pod): boolean {
    const uid = pod.metadata?.uid;
    const i = this.pods.findIndex((p) => p.pod.metadata?.uid === uid);
    if (i < 0) return false;
    const [pi] = this.pods.splice(i, 1) as [PodInfo];
    const drop = (list: PodInfo[]) => {
      const j = list.findIndex((p) => p.pod.metadata?.uid === uid);
      if (j >= 0) list.splice(j, 1);
    };
    drop(this.podsWithAffinity);
    drop(this.podsWithRequiredAntiAffinity);
    addInto(this.requested, pi.requests, -1);
    addInto(this.nonZeroRequested, pi.nonZeroRequests, -1);
    this.#count(pi, -1);
    for (const p of podHostPorts(pi.pod)) this.usedPorts.remove(p.ip, p.protocol, p.port);
    this.generation = nextGeneration();
    return true;
  }

  #count(pi: PodInfo, sign: 1 | -1): void {
    const a = this.#amounts;
    const at = this.#at;
    a[at + Amount.RequestedCpu]! += sign * pi.requests.milliCPU;
    a[at + Amount.RequestedMemory]! += sign * pi.requests.memory;
    a[at + Amount.NonZeroRequestedCpu]! += sign * pi.nonZeroRequests.milliCPU;
    a[at + Amount.NonZeroRequestedMemory]! += sign * pi.nonZeroRequests.memory;
    a[at + Amount.Pods]! += sign;
  }

  /** One of the hot totals: what Filter and Score read for every node of every cycle. */
  amount(a: Amount): number {
    return this.#amounts[this.#at + a]!;
  }

  /**
   * Moves the amounts to `table`, from `at` on (a snapshot packing its nodes' amounts in node
   * order). The numbers stay the same, so whoever else holds this NodeInfo sees no change; the
   * old place is not used again.
   */
  moveAmounts(table: Float64Array, at: number): void {
    for (let i = 0; i < AMOUNTS; i++) table[at + i] = this.#amounts[this.#at + i]!;
    this.#amounts = table;
    this.#at = at;
  }

  /** A copy whose pod lists and totals can change without touching this one (pods are shared, read-only). */
  clone(): NodeInfo {
    const c = new NodeInfo();
    c.node = this.node;
    c.name = this.name;
    c.unschedulable = this.unschedulable;
    c.taints = this.taints;
    c.pods = [...this.pods];
    c.podsWithAffinity = [...this.podsWithAffinity];
    c.podsWithRequiredAntiAffinity = [...this.podsWithRequiredAntiAffinity];
    c.usedPorts = this.usedPorts.clone();
    c.requested = cloneResource(this.requested);
    c.nonZeroRequested = cloneResource(this.nonZeroRequested);
    c.allocatable = this.allocatable; // replaced by setNode, never changed: shared
    for (let i = 0; i < AMOUNTS; i++) c.#amounts[i] = this.#amounts[this.#at + i]!;
    c.generation = this.generation;
    return c;
  }
}
