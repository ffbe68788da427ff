// PodTopologySpread's PreFilter and Filter: the hard (DoNotSchedule) constraints. PreFilter
// counts matching pods per topology value over the eligible nodes and keeps, per constraint,
// the two least-loaded values; Filter then checks a node's skew
//   matching pods in its domain + 1 if the pod matches itself − global minimum ≤ maxSkew
// where the global minimum is 0 while fewer than minDomains domains exist.
import type { Node, Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { asError, SKIP, SUCCESS, unresolvable, unschedulable, type Status } from '../../framework/status.ts';
import type { CycleState, PreFilterResult, StateData } from '../../framework/types.ts';
import { constraintsFor, countMatching, nodeHasAllKeys, nodeIncluded, type Defaults, type SpreadConstraint } from './constraints.ts';

export const PRE_FILTER_STATE_KEY = 'PreFilterPodTopologySpread';
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const MAX_INT32 = 2 ** 31 - 1;

interface Path {
  value: string;
  num: number;
}

/**
 * The two least-loaded topology values of a constraint: [0] always holds the minimum, [1] is
 * at least as large (not necessarily the second minimum). Two suffice because preemption only
 * ever changes counts on one node per copy of the state.
 */
export class CriticalPaths {
  constructor(readonly paths: [Path, Path] = [{ value: '', num: MAX_INT32 }, { value: '', num: MAX_INT32 }]) {}

  clone(): CriticalPaths {
    return new CriticalPaths([{ ...this.paths[0] }, { ...this.paths[1] }]);
  }

  update(value: string, num: number): void {
    const p = this.paths;
    const known = value === p[0].value ? p[0] : value === p[1].value ? p[1] : undefined;
    if (known) {
      known.num = num;
      if (p[0].num > p[1].num) p.reverse();
    } else if (num < p[0].num) {
      p[1] = p[0];
      p[0] = { value, num };
    } else if (num < p[1].num) {
      p[1] = { value, num };
    }
  }
}

export class PreFilterState implements StateData {
  constructor(
    /** Shared by clones: they never change. */
    readonly constraints: readonly SpreadConstraint[],
    readonly criticalPaths: CriticalPaths[],
    /** Per constraint: topology value → matching pods, for every eligible domain (zero included). */
    readonly tpValueToMatchNum: Map<string, number>[],
  ) {}

  clone(): PreFilterState {
    return new PreFilterState(
      this.constraints,
      this.criticalPaths.map((p) => p.clone()),
      this.tpValueToMatchNum.map((m) => new Map(m)),
    );
  }

  minMatchNum(i: number): number {
    if ((this.tpValueToMatchNum[i]?.size ?? 0) < (this.constraints[i]?.minDomains ?? 1)) return 0;
    return this.criticalPaths[i]?.paths[0].num ?? 0;
  }

  /** Accounts for `other` appearing on (delta 1) or leaving (delta -1) `node`, as preemption simulates. */
  updateWithPod(other: Pod, incoming: Pod, node: Node | undefined, delta: number): void {
    if (!node || (other.metadata?.namespace ?? 'default') !== (incoming.metadata?.namespace ?? 'default')) return;
    if (!nodeHasAllKeys(node, this.constraints)) return;
    const labels = other.metadata?.labels ?? {};
    this.constraints.forEach((c, i) => {
      if (!c.selector.matches(labels) || !nodeIncluded(c, incoming, node)) return;
      const value = node.metadata?.labels?.[c.topologyKey] ?? '';
      const counts = this.tpValueToMatchNum[i]!;
      const n = (counts.get(value) ?? 0) + delta;
      counts.set(value, n);
      this.criticalPaths[i]!.update(value, n);
    });
  }
}

/** Skip when the pod has no hard constraints (its own, or defaults that apply). */
export function preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[], defaults: Defaults): PreFilterResult {
  let constraints: SpreadConstraint[];
  try {
    constraints = constraintsFor(pod, 'DoNotSchedule', defaults);
  } catch (e) {
    return { status: asError(new Error(`get constraints from pod: ${(e as Error).message}`)) };
  }
  if (constraints.length === 0) return { status: SKIP };

  const namespace = pod.metadata?.namespace ?? 'default';
  const counts = constraints.map(() => new Map<string, number>());
  for (const ni of nodes) {
    const node = ni.node;
    if (!node || !nodeHasAllKeys(node, constraints)) continue;
    constraints.forEach((c, i) => {
      if (!nodeIncluded(c, pod, node)) return;
      const value = node.metadata?.labels?.[c.topologyKey] ?? '';
      counts[i]!.set(value, (counts[i]!.get(value) ?? 0) + countMatching(ni.pods, c.selector, namespace));
    });
  }
  const paths = counts.map((m) => {
    const p = new CriticalPaths();
    for (const [value, num] of m) p.update(value, num);
    return p;
  });
  state.write(PRE_FILTER_STATE_KEY, new PreFilterState(constraints, paths, counts));
  return { status: SUCCESS };
}

export function readPreFilterState(state: CycleState): PreFilterState | Error {
  const s = state.read<PreFilterState>(PRE_FILTER_STATE_KEY);
  return s instanceof PreFilterState ? s : new Error(`reading "${PRE_FILTER_STATE_KEY}" from cycleState: not found`);
}

export function filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
  const s = readPreFilterState(state);
  if (s instanceof Error) return asError(s);
  const nodeLabels = nodeInfo.node?.metadata?.labels ?? {};
  const podLabels = pod.metadata?.labels ?? {};
  for (let i = 0; i < s.constraints.length; i++) {
    const c = s.constraints[i]!;
    const value = nodeLabels[c.topologyKey];
    if (value === undefined) return unresolvable(ERR_REASON_NODE_LABEL_NOT_MATCH);
    const self = c.selector.matches(podLabels) ? 1 : 0;
    const skew = (s.tpValueToMatchNum[i]!.get(value) ?? 0) + self - s.minMatchNum(i);
    if (skew > c.maxSkew) return unschedulable(ERR_REASON_CONSTRAINTS_NOT_MATCH);
  }
  return SUCCESS;
}
