// The scheduling framework's extension points (upstream's framework/interface.go), as
// TypeScript interfaces. One scheduling cycle runs, for one pod:
//   PreFilter (once) → Filter (per node) → PostFilter (only if no node passed, e.g. preemption)
//   → PreScore (once) → Score (per feasible node) + NormalizeScore → Reserve → Bind.
// Every plugin is synchronous except PostFilter and Bind, which talk to the API.
import type { Namespace, Node, Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { LabelSelector } from '@k8ts/api';
import type { Clock } from '@k8ts/client';
import type { NodeInfo } from './node-info.ts';
import type { PodInfo } from './pod-info.ts';
import type { Status } from './status.ts';

export type { Namespace, Node, Pod };

/** Per-cycle data a plugin computes in PreFilter/PreScore and reads in Filter/Score. */
export interface StateData {
  /** Preemption simulates removing pods on a copy of the state: data that changes must copy itself. */
  clone(): StateData;
}

/** Per-cycle scratch space shared by the plugins of one cycle (upstream's CycleState). */
export class CycleState {
  readonly #data = new Map<string, StateData>();
  /** Plugins whose PreFilter returned Skip: their Filter is not run. Replaced, never changed in place. */
  skipFilterPlugins: ReadonlySet<string> = new Set<string>();
  /** Plugins whose PreScore returned Skip: their Score is not run. Replaced, never changed in place. */
  skipScorePlugins: ReadonlySet<string> = new Set<string>();

  read<T extends StateData>(key: string): T | undefined {
    return this.#data.get(key) as T | undefined;
  }

  write(key: string, data: StateData): void {
    this.#data.set(key, data);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.#data) c.#data.set(k, v.clone());
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}

/** A read-only view of every node and its pods, fixed for one cycle (upstream's Snapshot). */
export interface Snapshot {
  readonly nodeInfos: readonly NodeInfo[];
  /** Nodes that hold at least one pod with (anti-)affinity terms. */
  readonly havePodsWithAffinity: readonly NodeInfo[];
  readonly havePodsWithRequiredAntiAffinity: readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
  /** Labels of a namespace (for namespaceSelector in affinity terms); undefined if unknown. */
  namespaceLabels(name: string): Readonly<Record<string, string>> | undefined;
  /** How many nodes report the image (normalized name) in their status. */
  imageNumNodes(image: string): number;
}

/** Pods nominated to run on a node after preemption, which later pods must leave room for. */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): readonly PodInfo[];
}

/** What plugins may use beyond the pod and node in front of them (upstream's framework.Handle). */
export interface Handle {
  snapshot(): Snapshot;
  readonly clock: Clock;
  readonly nominator: PodNominator;
  /** Runs every Filter plugin on `nodeInfo`, counting pods nominated to it with priority ≥ the pod's. */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
  /** Tells every PreFilter extension that `podInfoToAdd` now runs on `nodeInfo` (in `state`). */
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status;
  /** The cluster's PodDisruptionBudgets, for preemption's victim choice. */
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  /** Binds a pod to a node through the API (pods/<name>/binding), as DefaultBinder does. */
  bindPod(pod: Pod, nodeName: string): Promise<void>;
  /** Evicts a victim through the API (pods/eviction), as preemption does. */
  evictPod(pod: Pod, reason: string): Promise<void>;
  /** Sets or clears (`''`) status.nominatedNodeName of a pod through the API. */
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void>;
  /**
   * The union of the selectors of the Services, ReplicaSets, ReplicationControllers and
   * StatefulSets that select or own `pod` (upstream's helper.DefaultSelector), for default
   * topology spreading; `empty` when none does.
   */
  defaultSelector(pod: Pod): LabelSelector;
}

export interface Plugin {
  readonly name: string;
}

export interface PreFilterResult {
  status: Status;
  /** When set, only these nodes can pass Filter (e.g. NodeAffinity on metadata.name). */
  nodeNames?: ReadonlySet<string>;
}

/** Lets preemption tell a PreFilter plugin that pods were removed from/added to a node. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status;
  removePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterResult;
  readonly preFilterExtensions?: PreFilterExtensions;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status;
}

export interface PostFilterResult {
  status: Status;
  /** The node the pod is nominated to once victims are gone. */
  nominatedNodeName?: string;
}

/** Filter results per node name, as PostFilter plugins receive them. */
export type NodeToStatus = ReadonlyMap<string, Status>;

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: NodeToStatus): Promise<PostFilterResult>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status;
}

export interface NodeScore {
  readonly name: string;
  score: number;
}

export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface ScorePlugin extends Plugin {
  /** A score for one feasible node; throw for an internal error (the cycle fails with Error). */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  /** Maps the raw scores onto 0..MAX_NODE_SCORE in place. */
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): Status;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): Status;
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface BindPlugin extends Plugin {
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<Status>;
}

/** Plugin arguments from the config file, per plugin name. */
export type PluginArgs = Readonly<Record<string, unknown>>;

export type PluginFactory = (args: PluginArgs | undefined, handle: Handle) => Plugin;

export const isPreFilter = (p: Plugin): p is PreFilterPlugin => typeof (p as PreFilterPlugin).preFilter === 'function';
export const isFilter = (p: Plugin): p is FilterPlugin => typeof (p as FilterPlugin).filter === 'function';
export const isPostFilter = (p: Plugin): p is PostFilterPlugin => typeof (p as PostFilterPlugin).postFilter === 'function';
export const isPreScore = (p: Plugin): p is PreScorePlugin => typeof (p as PreScorePlugin).preScore === 'function';
export const isScore = (p: Plugin): p is ScorePlugin => typeof (p as ScorePlugin).score === 'function';
export const isReserve = (p: Plugin): p is ReservePlugin => typeof (p as ReservePlugin).reserve === 'function';
export const isBind = (p: Plugin): p is BindPlugin => typeof (p as BindPlugin).bind === 'function';
