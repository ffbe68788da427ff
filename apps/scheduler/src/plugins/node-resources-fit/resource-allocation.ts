// Shared scoring machinery of NodeResourcesFit and NodeResourcesBalancedAllocation (upstream's
// resourceAllocationScorer): per configured resource, what the node can allocate and what it
// would have requested with the pod on it, fed to a strategy that turns them into 0..100.
import type { Pod } from 'kubernetes-types/core/v1';
import { Amount, type NodeInfo } from '../../framework/node-info.ts';
import { podRequests, type Resource } from '../../framework/resource.ts';
import type { ResourceSpec } from './args.ts';

/** Maps per-resource requested and allocatable amounts (same order as the resources) to a score. */
export type Scorer = (requested: readonly number[], allocatable: readonly number[]) => number;

/** How score() finds a configured resource in a Resource: decided once, not per node. */
const enum Kind {
  Cpu,
  Memory,
  EphemeralStorage,
  Scalar,
}

const kindOf = (name: string): Kind =>
  name === 'cpu' ? Kind.Cpu : name === 'memory' ? Kind.Memory : name === 'ephemeral-storage' ? Kind.EphemeralStorage : Kind.Scalar;

export class ResourceAllocationScorer {
  // Scratch space for score(): it runs for every feasible node of every cycle, and is synchronous,
  // so one pair of arrays per scorer is never used by two calls at once.
  readonly #requested: number[];
  readonly #allocatable: number[];
  readonly #kinds: Kind[];

  /**
   * `useRequested`: count what pods actually request. Otherwise (NodeResourcesFit) cpu and memory
   * a container leaves unset count as the scheduler's defaults, so best-effort pods still spread.
   */
  constructor(
    readonly resources: readonly ResourceSpec[],
    readonly scorer: Scorer,
    readonly useRequested: boolean,
  ) {
    this.#requested = resources.map(() => 0);
    this.#allocatable = resources.map(() => 0);
    this.#kinds = resources.map((r) => kindOf(r.name));
  }

  /** The pod's request for each configured resource, in the order of `resources`. */
  podRequestList(pod: Pod): number[] {
    const r = podRequests(pod, { nonZero: !this.useRequested });
    return this.resources.map((spec) => requestOf(r, spec.name));
  }

  /**
   * Per resource: what the node can allocate and what its pods plus this one request. A resource
   * the node lacks, or a scalar resource the pod does not ask for, stays 0/0, which scorers skip.
   */
  score(nodeInfo: NodeInfo, podRequestList: readonly number[]): number {
    const requested = this.#requested;
    const allocatable = this.#allocatable;
    // cpu and memory come from amount() (node-info.ts says why): this runs for every feasible node.
    const requestedCpu = this.useRequested ? Amount.RequestedCpu : Amount.NonZeroRequestedCpu;
    const requestedMemory = this.useRequested ? Amount.RequestedMemory : Amount.NonZeroRequestedMemory;
    const kinds = this.#kinds;
    for (let i = 0; i < kinds.length; i++) {
      const podRequest = podRequestList[i] ?? 0;
      let a = 0;
      let r = 0;
      switch (kinds[i]) {
        case Kind.Cpu:
          a = nodeInfo.amount(Amount.AllocatableCpu);
          r = nodeInfo.amount(requestedCpu) + podRequest;
          break;
        case Kind.Memory:
          a = nodeInfo.amount(Amount.AllocatableMemory);
          r = nodeInfo.amount(requestedMemory) + podRequest;
          break;
        case Kind.EphemeralStorage:
          a = nodeInfo.allocatable.ephemeralStorage;
          r = nodeInfo.requested.ephemeralStorage + podRequest;
          break;
        default: {
          const name = this.resources[i]!.name;
          const alloc = nodeInfo.allocatable;
          if (podRequest !== 0 && alloc.scalar[name] !== undefined) {
            a = alloc.scalar[name];
            r = (nodeInfo.requested.scalar[name] ?? 0) + podRequest;
          }
        }
      }
      allocatable[i] = a;
      requested[i] = a === 0 ? 0 : r;
    }
    return this.scorer(requested, allocatable);
  }
}

function requestOf(r: Resource, name: string): number {
  switch (name) {
    case 'cpu':
      return r.milliCPU;
    case 'memory':
      return r.memory;
    case 'ephemeral-storage':
      return r.ephemeralStorage;
    default:
      return r.scalar[name] ?? 0;
  }
}
