// The framework of one profile (upstream's framework/runtime frameworkImpl): it instantiates each
// enabled plugin once, keeps one ordered list per extension point, and runs them with upstream's
// rules (Skip, first rejection, weights, normalization bounds). It is also the plugins' Handle.
// A plugin that throws never crashes the cycle: the exception becomes an Error status naming it.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { LabelSelector } from '@k8ts/api';
import type { Clock } from '@k8ts/client';
import { EXTENSION_POINTS, type ExtensionPoint, type ResolvedProfile } from './config.ts';
import type { NodeInfo } from './node-info.ts';
import { podPriority, type PodInfo } from './pod-info.ts';
import { SUCCESS, asError, isRejection, reasonsOf, unschedulable, unresolvable, withPlugin, type Status } from './status.ts';
import { MAX_NODE_SCORE, MIN_NODE_SCORE, isBind, isFilter, isPostFilter, isPreFilter, isPreScore, isReserve, isScore } from './types.ts';
import type {
  BindPlugin, CycleState, FilterPlugin, Handle, NodeScore, NodeToStatus, Plugin, PodNominator, Pod, PostFilterPlugin,
  PostFilterResult, PreFilterPlugin, PreScorePlugin, ReservePlugin, ScorePlugin, Snapshot,
} from './types.ts';
import type { Registry } from './registry.ts';

/** The Handle's parts that reach outside the framework: cache, clock, queue, API. */
export interface FrameworkDeps {
  snapshot(): Snapshot;
  readonly clock: Clock;
  readonly nominator: PodNominator;
  podDisruptionBudgets(): readonly PodDisruptionBudget[];
  bindPod(pod: Pod, nodeName: string): Promise<void>;
  evictPod(pod: Pod, reason: string): Promise<void>;
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void>;
  defaultSelector(pod: Pod): LabelSelector;
}

export interface FrameworkOptions {
  readonly profile: ResolvedProfile;
  readonly registry: Registry;
  readonly deps: FrameworkDeps;
}

export interface PreFilterOutcome {
  status: Status;
  /** Only these nodes may pass Filter; undefined means every node. */
  nodeNames?: ReadonlySet<string>;
  /** Plugins that restricted the node set (their names go into the "didn't satisfy" message). */
  pluginsWithNodes: ReadonlySet<string>;
}

/** One plugin's contribution to one node's score. */
export interface PluginScore {
  readonly plugin: string;
  readonly raw: number;
  readonly normalized: number;
  readonly weight: number;
  readonly weighted: number;
}

export interface NodePluginScores {
  readonly name: string;
  readonly scores: readonly PluginScore[];
  readonly total: number;
}

export type ScoreOutcome = { status: Status; nodes: NodePluginScores[] };

/** Every plugin's scores of one cycle, one array per plugin: compact, and shared by the rows. */
interface ScoreTable {
  readonly plugins: readonly string[];
  readonly weights: readonly number[];
  readonly raw: readonly Float64Array[];
  /** The same as raw for plugins without NormalizeScore. */
  readonly normalized: readonly Float64Array[];
}

/**
 * One node's row of the score table. The per-plugin breakdown is only wanted when a cycle is
 * explained, so it is built on demand instead of as plugins × nodes objects every cycle.
 */
class NodeScoresRow implements NodePluginScores {
  constructor(readonly name: string, readonly total: number, readonly table: ScoreTable, readonly index: number) {}

  get scores(): readonly PluginScore[] {
    const t = this.table;
    return t.plugins.map((plugin, j) => {
      const normalized = t.normalized[j]![this.index]!;
      return { plugin, raw: t.raw[j]![this.index]!, normalized, weight: t.weights[j]!, weighted: normalized * t.weights[j]! };
    });
  }
}

type Guard<T extends Plugin> = (p: Plugin) => p is T;
const INTERFACE: Record<ExtensionPoint, { guard: Guard<Plugin>; type: string }> = {
  preFilter: { guard: isPreFilter, type: 'PreFilterPlugin' },
  filter: { guard: isFilter, type: 'FilterPlugin' },
  postFilter: { guard: isPostFilter, type: 'PostFilterPlugin' },
  preScore: { guard: isPreScore, type: 'PreScorePlugin' },
  score: { guard: isScore, type: 'ScorePlugin' },
  reserve: { guard: isReserve, type: 'ReservePlugin' },
  bind: { guard: isBind, type: 'BindPlugin' },
};

const errorStatus = (message: string, plugin: string, cause?: unknown): Status => ({
  code: 'Error',
  error: new Error(message, cause === undefined ? undefined : { cause }),
  plugin,
});
const messageOf = (s: Status): string => reasonsOf(s).join(', ');
const thrown = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** Runs `fn`, turning a throw into an Error status. */
function guarded(fn: () => Status): Status {
  try {
    return fn();
  } catch (e) {
    return asError(e);
  }
}

export class Framework implements Handle {
  readonly profileName: string;
  readonly percentageOfNodesToScore: number | undefined;
  readonly clock: Clock;
  readonly nominator: PodNominator;
  readonly preFilterPlugins: readonly PreFilterPlugin[];
  readonly filterPlugins: readonly FilterPlugin[];
  readonly postFilterPlugins: readonly PostFilterPlugin[];
  readonly preScorePlugins: readonly PreScorePlugin[];
  readonly scorePlugins: readonly ScorePlugin[];
  readonly reservePlugins: readonly ReservePlugin[];
  readonly bindPlugins: readonly BindPlugin[];
  readonly #weights = new Map<string, number>();
  readonly #deps: FrameworkDeps;
  #lastFilters: { skip: ReadonlySet<string> | undefined; plugins: readonly FilterPlugin[] } = { skip: undefined, plugins: [] };

  /** Use newFramework: plugins are built with this object as their Handle. */
  constructor(o: FrameworkOptions) {
    this.#deps = o.deps;
    this.profileName = o.profile.schedulerName;
    this.percentageOfNodesToScore = o.profile.percentageOfNodesToScore;
    this.clock = o.deps.clock;
    this.nominator = o.deps.nominator;

    const instances = new Map<string, Plugin>();
    for (const point of EXTENSION_POINTS)
      for (const { name } of o.profile[point]) {
        if (instances.has(name)) continue;
        const factory = o.registry.get(name);
        if (!factory) throw new Error(`plugin "${name}" does not exist in the registry`);
        try {
          instances.set(name, factory(o.profile.args.get(name), this));
        } catch (e) {
          throw new Error(`initializing plugin "${name}": ${thrown(e)}`, { cause: e });
        }
      }
    const list = <T extends Plugin>(point: ExtensionPoint): T[] => {
      const out: T[] = [];
      for (const entry of o.profile[point]) {
        const p = instances.get(entry.name)!;
        if (!INTERFACE[point].guard(p)) {
          if (entry.multiPoint) continue;
          throw new Error(`plugin "${entry.name}" does not extend ${INTERFACE[point].type} plugin`);
        }
        out.push(p as T);
        if (point === 'score') this.#weights.set(entry.name, entry.weight);
      }
      return out;
    };
    this.preFilterPlugins = list('preFilter');
    this.filterPlugins = list('filter');
    this.postFilterPlugins = list('postFilter');
    this.preScorePlugins = list('preScore');
    this.scorePlugins = list('score');
    this.reservePlugins = list('reserve');
    this.bindPlugins = list('bind');
    if (this.bindPlugins.length === 0)
      throw new Error(`at least one bind plugin is needed for profile with scheduler name "${this.profileName}"`);
  }

  snapshot(): Snapshot {
    return this.#deps.snapshot();
  }
  podDisruptionBudgets(): readonly PodDisruptionBudget[] {
    return this.#deps.podDisruptionBudgets();
  }
  bindPod(pod: Pod, nodeName: string): Promise<void> {
    return this.#deps.bindPod(pod, nodeName);
  }
  evictPod(pod: Pod, reason: string): Promise<void> {
    return this.#deps.evictPod(pod, reason);
  }
  setNominatedNodeName(pod: Pod, nodeName: string): Promise<void> {
    return this.#deps.setNominatedNodeName(pod, nodeName);
  }
  defaultSelector(pod: Pod): LabelSelector {
    return this.#deps.defaultSelector(pod);
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }
  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }
  /** The score weight of a plugin enabled at Score. */
  weightOf(plugin: string): number | undefined {
    return this.#weights.get(plugin);
  }

  /**
   * Runs every PreFilter. Skip marks the plugin's Filter as skipped; UnschedulableAndUnresolvable
   * and Error stop at once; Unschedulable is remembered but the rest still run (preemption needs
   * their state). The node sets plugins return are intersected; an empty intersection rejects.
   */
  runPreFilterPlugins(state: CycleState, pod: Pod): PreFilterOutcome {
    const nodes = this.snapshot().nodeInfos;
    const skip = new Set<string>();
    const pluginsWithNodes = new Set<string>();
    let nodeNames: ReadonlySet<string> | undefined;
    let rejected: Status | undefined;
    try {
      for (const pl of this.preFilterPlugins) {
        let r;
        try {
          r = pl.preFilter(state, pod, nodes);
        } catch (e) {
          return { status: errorStatus(`running PreFilter plugin "${pl.name}": ${thrown(e)}`, pl.name, e), pluginsWithNodes };
        }
        const s = r.status;
        if (s.code === 'Skip') {
          skip.add(pl.name);
          continue;
        }
        if (s.code === 'UnschedulableAndUnresolvable') return { status: withPlugin(s, pl.name), pluginsWithNodes: new Set() };
        if (s.code === 'Unschedulable') {
          rejected = withPlugin(s, pl.name);
          continue;
        }
        if (s.code === 'Error')
          return { status: errorStatus(`running PreFilter plugin "${pl.name}": ${s.error.message}`, pl.name, s.error), pluginsWithNodes: new Set() };
        if (r.nodeNames) {
          pluginsWithNodes.add(pl.name);
          const prev = nodeNames;
          nodeNames = prev ? new Set([...r.nodeNames].filter((n) => prev.has(n))) : new Set(r.nodeNames);
          if (nodeNames.size === 0) {
            const names = [...pluginsWithNodes].sort();
            const msg =
              names.length === 1
                ? `node(s) didn't satisfy plugin ${names[0]}`
                : `node(s) didn't satisfy plugin(s) [${names.join(' ')}] simultaneously`;
            return { status: unresolvable(msg), nodeNames, pluginsWithNodes };
          }
        }
      }
      return { status: rejected ?? SUCCESS, ...(nodeNames ? { nodeNames } : {}), pluginsWithNodes };
    } finally {
      state.skipFilterPlugins = skip;
    }
  }

  #runExtension(op: 'addPod' | 'removePod', state: CycleState, pod: Pod, podInfo: PodInfo, nodeInfo: NodeInfo): Status {
    const label = op === 'addPod' ? 'AddPod' : 'RemovePod';
    for (const pl of this.preFilterPlugins) {
      const ext = pl.preFilterExtensions;
      if (!ext || state.skipFilterPlugins.has(pl.name)) continue;
      const s = guarded(() => ext[op](state, pod, podInfo, nodeInfo));
      if (s.code !== 'Success')
        return errorStatus(`running ${label} on PreFilter plugin "${pl.name}": ${messageOf(s)}`, pl.name, s.code === 'Error' ? s.error : undefined);
    }
    return SUCCESS;
  }

  runPreFilterExtensionAddPod(state: CycleState, pod: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): Status {
    return this.#runExtension('addPod', state, pod, podInfoToAdd, nodeInfo);
  }

  runPreFilterExtensionRemovePod(state: CycleState, pod: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): Status {
    return this.#runExtension('removePod', state, pod, podInfoToRemove, nodeInfo);
  }

  /** Runs the Filters in order; the first non-success is the node's verdict, naming its plugin. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    // Runs for every plugin on every node: no closure per call (a try block instead of guarded()),
    // and the plugins left after PreFilter's Skips are worked out once per cycle, not per node.
    const plugins = this.#filtersNotSkipped(state.skipFilterPlugins);
    for (let i = 0; i < plugins.length; i++) {
      const pl = plugins[i]!;
      let s: Status;
      try {
        s = pl.filter(state, pod, nodeInfo);
      } catch (e) {
        s = asError(e);
      }
      if (s.code === 'Success') continue;
      if (isRejection(s)) return withPlugin(s, pl.name);
      return errorStatus(`running "${pl.name}" filter plugin: ${messageOf(s)}`, pl.name, s.code === 'Error' ? s.error : undefined);
    }
    return SUCCESS;
  }

  /** The filter plugins minus `skip`, remembered for the last skip set seen (one per cycle). */
  #filtersNotSkipped(skip: ReadonlySet<string>): readonly FilterPlugin[] {
    const memo = this.#lastFilters;
    if (memo.skip === skip) return memo.plugins;
    const plugins = skip.size === 0 ? this.filterPlugins : this.filterPlugins.filter((pl) => !skip.has(pl.name));
    this.#lastFilters = { skip, plugins };
    return plugins;
  }

  /**
   * Filters `nodeInfo` twice when pods of priority ≥ the pod's are nominated to it: once as if
   * they ran there (the pod must not take room freed for them), then without them (filters such
   * as pod affinity may rely on them not being there). Both must pass.
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const nominated = this.nominator.nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const priority = podPriority(pod);
    const uid = pod.metadata?.uid;
    const toAdd = nominated.filter((pi) => podPriority(pi.pod) >= priority && pi.pod.metadata?.uid !== uid);
    if (toAdd.length === 0) return this.runFilterPlugins(state, pod, nodeInfo);
    const nodeOut = nodeInfo.clone();
    const stateOut = state.clone();
    for (const pi of toAdd) {
      nodeOut.addPod(pi);
      const s = this.runPreFilterExtensionAddPod(stateOut, pod, pi, nodeOut);
      if (s.code !== 'Success') return s;
    }
    const first = this.runFilterPlugins(stateOut, pod, nodeOut);
    if (first.code !== 'Success') return first;
    return this.runFilterPlugins(state, pod, nodeInfo);
  }

  /**
   * Runs PostFilter plugins until one succeeds, errs or is unresolvable; otherwise the reasons of
   * all are gathered into one Unschedulable naming the first rejecting plugin.
   */
  async runPostFilterPlugins(state: CycleState, pod: Pod, nodeToStatus: NodeToStatus): Promise<PostFilterResult> {
    let result: PostFilterResult | undefined;
    const reasons: string[] = [];
    let rejector = '';
    for (const pl of this.postFilterPlugins) {
      let r: PostFilterResult;
      try {
        r = await pl.postFilter(state, pod, nodeToStatus);
      } catch (e) {
        return { status: withPlugin(asError(e), pl.name) };
      }
      const s = r.status;
      if (s.code === 'Success') return r;
      if (s.code === 'UnschedulableAndUnresolvable') return { ...r, status: withPlugin(s, pl.name) };
      if (!isRejection(s)) return { status: withPlugin(s.code === 'Error' ? s : asError(new Error(messageOf(s))), pl.name) };
      if (r.nominatedNodeName !== undefined) result = r;
      reasons.push(...s.reasons);
      if (!rejector) rejector = pl.name;
    }
    const status = rejector ? withPlugin(unschedulable(...reasons), rejector) : unschedulable(...reasons);
    return { ...(result ?? {}), status };
  }

  /** Runs every PreScore; Skip marks the plugin's Score as skipped, anything else but Success fails. */
  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): Status {
    const skip = new Set<string>();
    try {
      for (const pl of this.preScorePlugins) {
        const s = guarded(() => pl.preScore(state, pod, nodes));
        if (s.code === 'Skip') skip.add(pl.name);
        else if (s.code !== 'Success')
          return errorStatus(`running PreScore plugin "${pl.name}": ${messageOf(s)}`, pl.name, s.code === 'Error' ? s.error : undefined);
      }
      return SUCCESS;
    } finally {
      state.skipScorePlugins = skip;
    }
  }

  /**
   * Scores every node with every Score plugin not skipped, normalizes each plugin's scores, checks
   * they lie in [0, 100], then multiplies by the plugin's weight; a node's total is the sum.
   */
  runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): ScoreOutcome {
    const plugins = this.scorePlugins.filter((pl) => !state.skipScorePlugins.has(pl.name));
    const raw: Float64Array[] = [];
    const normalized: Float64Array[] = [];
    // Scores go into typed arrays; the NodeScore objects NormalizeScore works on are made only
    // for the plugins that have one.
    for (const pl of plugins) {
      const rawScores = new Float64Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) {
        try {
          rawScores[i] = pl.score(state, pod, nodes[i]!);
        } catch (e) {
          return { status: errorStatus(`running Score plugins: plugin "${pl.name}" failed with: ${thrown(e)}`, pl.name, e), nodes: [] };
        }
      }
      raw.push(rawScores);
      if (!pl.normalizeScore) {
        normalized.push(rawScores);
        continue;
      }
      const scores: NodeScore[] = nodes.map((n, i) => ({ name: n.name, score: rawScores[i]! }));
      const s = guarded(() => pl.normalizeScore!(state, pod, scores));
      if (s.code !== 'Success')
        return { status: errorStatus(`running Normalize on Score plugins: plugin "${pl.name}" failed with: ${messageOf(s)}`, pl.name), nodes: [] };
      const normalizedScores = new Float64Array(nodes.length);
      for (let i = 0; i < nodes.length; i++) normalizedScores[i] = scores[i]!.score;
      normalized.push(normalizedScores);
    }
    const weights = plugins.map((pl) => this.#weights.get(pl.name) ?? 1);
    const table: ScoreTable = { plugins: plugins.map((pl) => pl.name), weights, raw, normalized };
    const out: NodePluginScores[] = new Array(nodes.length);
    for (let i = 0; i < nodes.length; i++) {
      let total = 0;
      for (let j = 0; j < plugins.length; j++) {
        const score = normalized[j]![i]!;
        if (score > MAX_NODE_SCORE || score < MIN_NODE_SCORE)
          return {
            status: errorStatus(
              `applying score defaultWeights on Score plugins: plugin "${plugins[j]!.name}" returns an invalid score ${score}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`,
              plugins[j]!.name,
            ),
            nodes: [],
          };
        total += score * weights[j]!;
      }
      out[i] = new NodeScoresRow(nodes[i]!.name, total, table, i);
    }
    return { status: SUCCESS, nodes: out };
  }

  /** Runs Reserve in order, stopping at the first failure (the caller then runs Unreserve). */
  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): Status {
    for (const pl of this.reservePlugins) {
      const s = guarded(() => pl.reserve(state, pod, nodeName));
      if (s.code === 'Success') continue;
      if (isRejection(s)) return withPlugin(s, pl.name);
      return errorStatus(`running Reserve plugin "${pl.name}": ${messageOf(s)}`, pl.name, s.code === 'Error' ? s.error : undefined);
    }
    return SUCCESS;
  }

  /** Runs Unreserve in the reverse order of Reserve; failures are swallowed (nothing can undo them). */
  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      try {
        this.reservePlugins[i]!.unreserve(state, pod, nodeName);
      } catch {
        // Unreserve must be idempotent and infallible; a throw leaves nothing more to roll back.
      }
    }
  }

  /** Runs Bind plugins until one does not Skip. */
  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    let s: Status = { code: 'Skip' };
    for (const pl of this.bindPlugins) {
      try {
        s = await pl.bind(state, pod, nodeName);
      } catch (e) {
        s = asError(e);
      }
      if (s.code === 'Skip') continue;
      if (s.code === 'Success') return s;
      if (isRejection(s)) return withPlugin(s, pl.name);
      return errorStatus(`running Bind plugin "${pl.name}": ${messageOf(s)}`, pl.name, s.code === 'Error' ? s.error : undefined);
    }
    return s;
  }
}

export function newFramework(o: FrameworkOptions): Framework {
  return new Framework(o);
}
