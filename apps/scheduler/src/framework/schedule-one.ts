// The scheduling algorithm for one pod (upstream's schedulePod / findNodesThatFitPod /
// prioritizeNodes / selectHost), free of the queue, the cache and the API: given a snapshot it
// says which node, or why none. The caller runs PostFilter, Reserve and Bind.
import { numFeasibleNodesToFind } from './config.ts';
import type { NodeInfo } from './node-info.ts';
import type { Framework, NodePluginScores } from './runtime.ts';
import { isRejection, reasonsOf, unresolvable, withPlugin, type Status } from './status.ts';
import type { CycleState, NodeToStatus, Pod, Snapshot } from './types.ts';

/**
 * The state upstream's Scheduler keeps across cycles for this algorithm: where the next filter
 * pass starts, so that every node gets its turn when only part of them is searched.
 */
export class NodeRotation {
  nextStartNodeIndex = 0;
}

export interface Diagnosis {
  /** The verdict of every node a Filter rejected. Nodes that passed are not here. */
  readonly nodeToStatus: Map<string, Status>;
  /**
   * The verdict of nodes never filtered because PreFilter ruled them out (all nodes when PreFilter
   * rejected the pod, else those outside `preFilterNodeNames`). Upstream's default: unresolvable,
   * no reasons.
   */
  absentNodesStatus: Status;
  /** PreFilter's restriction of the node set, when it made one. */
  preFilterNodeNames?: ReadonlySet<string>;
  /** Plugins that rejected the pod somewhere: the queue requeues it on events they care about. */
  readonly unschedulablePlugins: Set<string>;
  /** Set when PreFilter rejected the pod for every node. */
  preFilterMsg: string;
}

export type ScheduleResult =
  | {
      kind: 'scheduled';
      node: string;
      /** Nodes filtered: the feasible ones plus the rejected ones. */
      evaluatedNodes: number;
      feasibleNodes: number;
      /** Each feasible node's scores; empty when scoring was skipped (one feasible node, or no Score plugin). */
      scores: readonly NodePluginScores[];
      feasible: readonly string[];
      diagnosis: Diagnosis;
    }
  | { kind: 'unschedulable'; numAllNodes: number; diagnosis: Diagnosis }
  | { kind: 'error'; error: Error; diagnosis?: Diagnosis };

export interface ScheduleOptions {
  /** The top-level setting; the profile's own overrides it. 0 = adaptive. */
  readonly percentageOfNodesToScore: number;
  /** Uniform in [0, 1): breaks ties between best-scored nodes. */
  readonly random: () => number;
  readonly scheduler: NodeRotation;
}

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

const DEFAULT_ABSENT: Status = Object.freeze(unresolvable());

function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), absentNodesStatus: DEFAULT_ABSENT, unschedulablePlugins: new Set(), preFilterMsg: '' };
}

function addPluginStatus(d: Diagnosis, s: Status): void {
  if (isRejection(s) && s.plugin) d.unschedulablePlugins.add(s.plugin);
}

const errorOf = (s: Status): Error => (s.code === 'Error' ? s.error : new Error(reasonsOf(s).join(', ')));

export function schedulePod(fwk: Framework, state: CycleState, pod: Pod, snapshot: Snapshot, opts: ScheduleOptions): ScheduleResult {
  const allNodes = snapshot.nodeInfos;
  if (allNodes.length === 0) return { kind: 'error', error: new Error(ERR_NO_NODES_AVAILABLE) };
  const diagnosis = newDiagnosis();
  const percentage = fwk.percentageOfNodesToScore ?? opts.percentageOfNodesToScore;

  // 1. PreFilter: may reject the pod everywhere, or narrow the nodes worth filtering.
  const pre = fwk.runPreFilterPlugins(state, pod);
  for (const p of pre.pluginsWithNodes) diagnosis.unschedulablePlugins.add(p);
  if (pre.status.code !== 'Success') {
    if (!isRejection(pre.status)) return { kind: 'error', error: errorOf(pre.status), diagnosis };
    diagnosis.absentNodesStatus = pre.status;
    diagnosis.preFilterMsg = reasonsOf(pre.status).join(', ');
    addPluginStatus(diagnosis, pre.status);
    return { kind: 'unschedulable', numAllNodes: allNodes.length, diagnosis };
  }

  // 2. A node named by an earlier preemption is likely the only one that fits: try it alone first.
  const nominated = pod.status?.nominatedNodeName;
  const nominatedInfo = nominated ? snapshot.get(nominated) : undefined;
  if (nominatedInfo) {
    const r = findNodesThatPassFilters(fwk, state, pod, diagnosis, [nominatedInfo], percentage, 0);
    if (!r.error && r.feasible.length > 0) return scheduled(nominatedInfo.name, 1 + diagnosis.nodeToStatus.size, [], r.feasible, diagnosis);
  }

  // 3. Filter from where the last cycle stopped, until enough feasible nodes are found.
  let nodes: readonly NodeInfo[] = allNodes;
  if (pre.nodeNames) {
    const names = pre.nodeNames;
    nodes = allNodes.filter((n) => names.has(n.name));
    diagnosis.preFilterNodeNames = names;
    const plugins = [...pre.pluginsWithNodes].sort();
    diagnosis.absentNodesStatus = withPlugin(unresolvable(`node(s) didn't satisfy plugin(s) [${plugins.join(' ')}]`), plugins.join(','));
  }
  const start = opts.scheduler.nextStartNodeIndex;
  const { feasible, error } = findNodesThatPassFilters(fwk, state, pod, diagnosis, nodes, percentage, start);
  const processed = feasible.length + diagnosis.nodeToStatus.size;
  opts.scheduler.nextStartNodeIndex = (start + processed) % allNodes.length;
  if (error) return { kind: 'error', error, diagnosis };
  if (feasible.length === 0) return { kind: 'unschedulable', numAllNodes: allNodes.length, diagnosis };
  const evaluated = feasible.length + diagnosis.nodeToStatus.size;
  if (feasible.length === 1) return scheduled(feasible[0]!.name, evaluated, [], feasible, diagnosis);

  // 4. Score the feasible nodes and take the best.
  const scores = prioritizeNodes(fwk, state, pod, feasible);
  if (scores instanceof Error) return { kind: 'error', error: scores, diagnosis };
  return scheduled(selectHost(scores, opts.random), evaluated, fwk.hasScorePlugins() ? scores : [], feasible, diagnosis);
}

function scheduled(node: string, evaluatedNodes: number, scores: readonly NodePluginScores[], feasible: readonly NodeInfo[], diagnosis: Diagnosis): ScheduleResult {
  return { kind: 'scheduled', node, evaluatedNodes, feasibleNodes: feasible.length, scores, feasible: feasible.map((n) => n.name), diagnosis };
}

function findNodesThatPassFilters(
  fwk: Framework,
  state: CycleState,
  pod: Pod,
  diagnosis: Diagnosis,
  nodes: readonly NodeInfo[],
  percentage: number,
  start: number,
): { feasible: NodeInfo[]; error?: Error } {
  const n = nodes.length;
  // Without scoring there is nothing to choose between: the first feasible node will do.
  const toFind = fwk.hasScorePlugins() ? numFeasibleNodesToFind(percentage, n) : Math.min(1, n);
  const feasible: NodeInfo[] = [];
  if (!fwk.hasFilterPlugins()) {
    for (let i = 0; i < toFind; i++) feasible.push(nodes[(start + i) % n]!);
    return { feasible };
  }
  for (let i = 0; i < n && feasible.length < toFind; i++) {
    const nodeInfo = nodes[(start + i) % n]!;
    const s = fwk.runFilterPluginsWithNominatedPods(state, pod, nodeInfo);
    if (s.code === 'Success') feasible.push(nodeInfo);
    else if (s.code === 'Error') return { feasible, error: s.error };
    else {
      diagnosis.nodeToStatus.set(nodeInfo.name, s);
      addPluginStatus(diagnosis, s);
    }
  }
  return { feasible };
}

/** PreScore then Score; with no Score plugin every node scores 1 (upstream). */
function prioritizeNodes(fwk: Framework, state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): NodePluginScores[] | Error {
  if (!fwk.hasScorePlugins()) return nodes.map((n) => ({ name: n.name, scores: [], total: 1 }));
  const pre = fwk.runPreScorePlugins(state, pod, nodes);
  if (pre.code !== 'Success') return errorOf(pre);
  const r = fwk.runScorePlugins(state, pod, nodes);
  if (r.status.code !== 'Success') return errorOf(r.status);
  return r.nodes;
}

/** The highest total; among equals each is chosen with equal probability (reservoir sampling). */
export function selectHost(scores: readonly { name: string; total: number }[], random: () => number): string {
  const [first, ...rest] = scores;
  if (!first) throw new Error('empty priorityList');
  let best = first;
  let ties = 1;
  for (const s of rest) {
    if (s.total > best.total) {
      best = s;
      ties = 1;
    } else if (s.total === best.total) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = s;
    }
  }
  return best.name;
}

/**
 * Every node's verdict for PostFilter: the explicit ones, and the absent-node status for the
 * nodes PreFilter ruled out (preemption may act only on nodes marked Unschedulable).
 */
export function nodeToStatusForPostFilter(diagnosis: Diagnosis, snapshot: Snapshot): NodeToStatus {
  const out = new Map(diagnosis.nodeToStatus);
  for (const n of snapshot.nodeInfos) {
    const absent = diagnosis.preFilterMsg !== '' || (diagnosis.preFilterNodeNames !== undefined && !diagnosis.preFilterNodeNames.has(n.name));
    if (absent && !out.has(n.name)) out.set(n.name, diagnosis.absentNodesStatus);
  }
  return out;
}

/**
 * Upstream's FitError message: "0/N nodes are available: <PreFilter message>." or the filter
 * reasons counted over nodes ("<count> <reason>", sorted as strings, comma-separated, then a
 * period), then " <PostFilter message>" when PostFilter said something.
 */
export function fitErrorMessage(numAllNodes: number, diagnosis: Diagnosis, postFilterMsg = ''): string {
  let msg = `0/${numAllNodes} nodes are available:`;
  if (diagnosis.preFilterMsg !== '') {
    msg += ` ${diagnosis.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    const add = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
    for (const s of diagnosis.nodeToStatus.values()) for (const r of reasonsOf(s)) add(r, 1);
    const absent = numAllNodes - diagnosis.nodeToStatus.size;
    if (absent > 0) for (const r of reasonsOf(diagnosis.absentNodesStatus)) add(r, absent);
    const parts = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
    if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  }
  if (postFilterMsg !== '') msg += ` ${postFilterMsg}`;
  return msg;
}
