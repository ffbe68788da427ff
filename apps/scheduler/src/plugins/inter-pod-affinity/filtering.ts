// InterPodAffinity's PreFilter and Filter: required (anti-)affinity, both the incoming pod's and
// that of the pods already running. PreFilter counts, once per cycle, the pods that match per
// topology pair; Filter then only looks a node's labels up in those counts.
//
// Namespace selectors: upstream folds a term's namespaceSelector into its namespace list before
// matching. Here a term keeps its selector and is matched against the labels of the namespace of
// the pod in front of it (Snapshot.namespaceLabels), which selects the same pods.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { newPodInfo, termMatches, type AffinityTerm, type PodInfo } from '../../framework/pod-info.ts';
import { asError, SKIP, SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status.ts';
import type { CycleState, PreFilterResult, Snapshot, StateData } from '../../framework/types.ts';
import { TopologyCounts } from './counts.ts';

export const PRE_FILTER_STATE_KEY = 'PreFilterInterPodAffinity';

export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

type NamespaceLabels = (namespace: string) => Readonly<Record<string, string>> | undefined;

const namespaceOf = (pod: Pod) => pod.metadata?.namespace ?? 'default';

/** Whether `pod` matches every term; false for no terms at all. */
function matchesAllTerms(terms: readonly AffinityTerm[], pod: Pod, nsLabels: NamespaceLabels): boolean {
  if (terms.length === 0) return false;
  const labels = nsLabels(namespaceOf(pod));
  return terms.every((t) => termMatches(t, pod, labels));
}

/** Counts each term's pair once when `pod` matches all the terms (required affinity is an AND). */
function addAffinity(counts: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, node: Node | undefined, nsLabels: NamespaceLabels, delta: number): void {
  if (!matchesAllTerms(terms, pod, nsLabels)) return;
  for (const t of terms) counts.add(node, t.topologyKey, delta);
}

/** Counts the pair of every term that `pod` matches (any anti-affinity term repels on its own). */
function addAntiAffinity(counts: TopologyCounts, terms: readonly AffinityTerm[], pod: Pod, node: Node | undefined, nsLabels: NamespaceLabels, delta: number): void {
  const labels = nsLabels(namespaceOf(pod));
  for (const t of terms) if (termMatches(t, pod, labels)) counts.add(node, t.topologyKey, delta);
}

/** What Filter needs, computed in PreFilter; preemption clones it and replays pod removals on it. */
export class PreFilterState implements StateData {
  constructor(
    readonly podInfo: PodInfo,
    readonly namespaceLabels: NamespaceLabels,
    /** Pairs where running pods have required anti-affinity terms that the incoming pod matches. */
    readonly existingAntiAffinityCounts: TopologyCounts,
    /** Pairs where running pods match all the incoming pod's required affinity terms. */
    readonly affinityCounts: TopologyCounts,
    /** Pairs where running pods match the incoming pod's required anti-affinity terms. */
    readonly antiAffinityCounts: TopologyCounts,
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(
      this.podInfo,
      this.namespaceLabels,
      this.existingAntiAffinityCounts.clone(),
      this.affinityCounts.clone(),
      this.antiAffinityCounts.clone(),
    );
  }

  /** Accounts for `other` appearing on (delta 1) or leaving (delta -1) `node`. */
  updateWithPod(other: PodInfo, node: Node | undefined, delta: number): void {
    const incoming = this.podInfo.pod;
    addAntiAffinity(this.existingAntiAffinityCounts, other.requiredAntiAffinityTerms, incoming, node, this.namespaceLabels, delta);
    addAffinity(this.affinityCounts, this.podInfo.requiredAffinityTerms, other.pod, node, this.namespaceLabels, delta);
    addAntiAffinity(this.antiAffinityCounts, this.podInfo.requiredAntiAffinityTerms, other.pod, node, this.namespaceLabels, delta);
  }
}

/** Builds the pre-filter state over the snapshot; Skip when no required term is involved at all. */
export function preFilter(state: CycleState, pod: Pod, snapshot: Snapshot): PreFilterResult {
  let podInfo: PodInfo;
  try {
    podInfo = newPodInfo(pod);
  } catch (e) {
    return { status: unresolvable(`parsing pod: ${(e as Error).message}`) };
  }
  const nsLabels: NamespaceLabels = (ns) => snapshot.namespaceLabels(ns);

  const existing = new TopologyCounts();
  for (const ni of snapshot.havePodsWithRequiredAntiAffinity)
    for (const p of ni.podsWithRequiredAntiAffinity) addAntiAffinity(existing, p.requiredAntiAffinityTerms, pod, ni.node, nsLabels, 1);

  const affinity = new TopologyCounts();
  const antiAffinity = new TopologyCounts();
  if (podInfo.requiredAffinityTerms.length > 0 || podInfo.requiredAntiAffinityTerms.length > 0) {
    for (const ni of snapshot.nodeInfos) {
      for (const p of ni.pods) {
        addAffinity(affinity, podInfo.requiredAffinityTerms, p.pod, ni.node, nsLabels, 1);
        addAntiAffinity(antiAffinity, podInfo.requiredAntiAffinityTerms, p.pod, ni.node, nsLabels, 1);
      }
    }
  }

  if (existing.size === 0 && podInfo.requiredAffinityTerms.length === 0 && podInfo.requiredAntiAffinityTerms.length === 0) return { status: SKIP };
  state.write(PRE_FILTER_STATE_KEY, new PreFilterState(podInfo, nsLabels, existing, affinity, antiAffinity));
  return { status: SUCCESS };
}

export function readPreFilterState(state: CycleState): PreFilterState | Error {
  const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  return s instanceof PreFilterState ? s : new Error(`reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
}

/**
 * A node passes the incoming pod's affinity when, for every term, its topology pair holds a
 * matching pod. The exception lets the first pod of a group that is affine to itself start: when
 * no pod anywhere matches and the pod matches its own terms, any node with all the keys passes.
 */
function satisfiesPodAffinity(s: PreFilterState, labels: Readonly<Record<string, string>>): boolean {
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    const value = labels[t.topologyKey];
    if (value === undefined) return false;
    if (s.affinityCounts.get(t.topologyKey, value) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  return s.affinityCounts.size === 0 && matchesAllTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod, s.namespaceLabels);
}

function satisfiesPodAntiAffinity(s: PreFilterState, labels: Readonly<Record<string, string>>): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const value = labels[t.topologyKey];
    if (value !== undefined && s.antiAffinityCounts.get(t.topologyKey, value) > 0) return false;
  }
  return true;
}

function satisfiesExistingPodsAntiAffinity(s: PreFilterState, labels: Readonly<Record<string, string>>): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [key, value] of Object.entries(labels)) if (s.existingAntiAffinityCounts.get(key, value) > 0) return false;
  return true;
}

export function filter(state: CycleState, nodeInfo: NodeInfo): Status {
  const s = readPreFilterState(state);
  if (s instanceof Error) return asError(s);
  const labels = nodeInfo.node?.metadata?.labels ?? {};
  if (!satisfiesPodAffinity(s, labels)) return unresolvable(ERR_REASON_AFFINITY_RULES_NOT_MATCH);
  if (!satisfiesPodAntiAffinity(s, labels)) return unschedulable(ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
  if (!satisfiesExistingPodsAntiAffinity(s, labels)) return unschedulable(ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
  return SUCCESS;
}
