// The subset of KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1) this scheduler reads,
// with upstream's defaults, and the expansion of a profile into ordered plugin lists per extension
// point (upstream's mergePlugins + the framework's MultiPoint expansion).
//
// A profile keeps what the user wrote; `resolveProfile` merges it over the default MultiPoint set.
// Which extension points a plugin implements is only known once it is instantiated, so the
// resolved lists hold every candidate in upstream's order and say whether it came from MultiPoint
// (skipped silently where the plugin lacks the interface) or was named at that point (an error).
import { parse } from 'yaml';
import type { PluginArgs } from './types.ts';

export const EXTENSION_POINTS = ['preFilter', 'filter', 'postFilter', 'preScore', 'score', 'reserve', 'bind'] as const;
export type ExtensionPoint = (typeof EXTENSION_POINTS)[number];
const PLUGIN_SET_KEYS = ['multiPoint', 'queueSort', ...EXTENSION_POINTS] as const;
type PluginSetKey = (typeof PLUGIN_SET_KEYS)[number];

export interface PluginRef {
  readonly name: string;
  /** Score weight; unset or 0 means 1. */
  readonly weight?: number;
}

export interface PluginSet {
  readonly enabled?: readonly PluginRef[];
  /** `'*'` disables every default plugin at this point. */
  readonly disabled?: readonly { readonly name: string }[];
}

export type Plugins = Partial<Record<PluginSetKey, PluginSet>>;

export interface Profile {
  readonly schedulerName: string;
  /** Overrides the top-level value for this profile. */
  readonly percentageOfNodesToScore?: number;
  readonly plugins: Plugins;
  readonly pluginConfig: readonly { readonly name: string; readonly args: PluginArgs }[];
}

export interface SchedulerConfig {
  /** 0 = adaptive (upstream's default): see numFeasibleNodesToFind. */
  readonly percentageOfNodesToScore: number;
  readonly podInitialBackoffSeconds: number;
  readonly podMaxBackoffSeconds: number;
  /** Accepted for compatibility; this scheduler filters and scores on one thread. */
  readonly parallelism: number;
  readonly profiles: readonly Profile[];
}

export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';
export const QUEUE_SORT_PLUGIN = 'PrioritySort';

/** Upstream's default MultiPoint set in its order, without the volume and gating plugins we lack. */
export const DEFAULT_MULTI_POINT: readonly PluginRef[] = Object.freeze([
  { name: QUEUE_SORT_PLUGIN },
  { name: 'NodeUnschedulable' },
  { name: 'NodeName' },
  { name: 'TaintToleration', weight: 3 },
  { name: 'NodeAffinity', weight: 2 },
  { name: 'NodePorts' },
  { name: 'NodeResourcesFit', weight: 1 },
  { name: 'PodTopologySpread', weight: 2 },
  { name: 'InterPodAffinity', weight: 2 },
  { name: 'DefaultPreemption' },
  { name: 'NodeResourcesBalancedAllocation', weight: 1 },
  { name: 'ImageLocality', weight: 1 },
  { name: 'DefaultBinder' },
]);

/** The known plugins that implement Bind (a profile needs one). */
const KNOWN_BINDERS: ReadonlySet<string> = new Set(['DefaultBinder']);

/** Plugin names a config file may mention. */
export const KNOWN_PLUGINS: ReadonlySet<string> = new Set(DEFAULT_MULTI_POINT.map((p) => p.name));

export function defaultProfile(schedulerName = DEFAULT_SCHEDULER_NAME): Profile {
  return { schedulerName, plugins: {}, pluginConfig: [] };
}

export function defaultConfig(): SchedulerConfig {
  return {
    percentageOfNodesToScore: 0,
    podInitialBackoffSeconds: 1,
    podMaxBackoffSeconds: 10,
    parallelism: 16,
    profiles: [defaultProfile()],
  };
}

export interface ResolvedPlugin {
  readonly name: string;
  /** The weight Score would use (the score point's own entry wins over MultiPoint's), ≥ 1. */
  readonly weight: number;
  /** From MultiPoint: dropped where the plugin lacks the interface instead of failing. */
  readonly multiPoint: boolean;
}

export type ResolvedProfile = Readonly<Record<ExtensionPoint, readonly ResolvedPlugin[]>> & {
  readonly schedulerName: string;
  readonly percentageOfNodesToScore?: number;
  /** The queue sort plugin (the queue implements PrioritySort itself); undefined when disabled. */
  readonly queueSort: string | undefined;
  readonly args: ReadonlyMap<string, PluginArgs>;
};

/** Upstream mergePluginSet: custom entries replace defaults in place, the rest are appended. */
function mergeSet(defaults: readonly PluginRef[], custom: PluginSet | undefined): { enabled: PluginRef[]; disabled: Set<string> } {
  const disabled = new Set((custom?.disabled ?? []).map((d) => d.name));
  const customEnabled = custom?.enabled ?? [];
  const replaced = new Set<number>();
  const enabled: PluginRef[] = [];
  if (!disabled.has('*')) {
    for (const d of defaults) {
      if (disabled.has(d.name)) continue;
      const i = customEnabled.findIndex((c) => c.name === d.name);
      if (i >= 0) replaced.add(i);
      enabled.push(i >= 0 ? customEnabled[i]! : d);
    }
  }
  customEnabled.forEach((c, i) => {
    if (!replaced.has(i)) enabled.push(c);
  });
  return { enabled, disabled };
}

function checkDuplicates(point: string, refs: readonly PluginRef[]): void {
  const seen = new Set<string>();
  for (const r of refs) {
    if (seen.has(r.name)) throw new Error(`plugin "${r.name}" already registered as "${point}"`);
    seen.add(r.name);
  }
}

export function resolveProfile(profile: Profile): ResolvedProfile {
  const multi = mergeSet(DEFAULT_MULTI_POINT, profile.plugins.multiPoint);
  checkDuplicates('multiPoint', multi.enabled);
  const scoreSet = profile.plugins.score?.enabled ?? [];
  const weightOf = (name: string): number => {
    const w = scoreSet.find((p) => p.name === name)?.weight ?? multi.enabled.find((p) => p.name === name)?.weight ?? 0;
    return w === 0 ? 1 : w;
  };

  const points = {} as Record<ExtensionPoint, ResolvedPlugin[]>;
  for (const point of EXTENSION_POINTS) {
    const set = mergeSet([], profile.plugins[point]);
    checkDuplicates(point, set.enabled);
    const explicit = set.enabled.map((p) => p.name).filter((n) => n !== QUEUE_SORT_PLUGIN);
    const fromMulti = set.disabled.has('*')
      ? []
      : multi.enabled.map((p) => p.name).filter((n) => n !== QUEUE_SORT_PLUGIN && !set.disabled.has(n));
    const overrides = explicit.filter((n) => fromMulti.includes(n));
    const entry = (name: string, multiPoint: boolean): ResolvedPlugin => ({ name, weight: weightOf(name), multiPoint });
    points[point] = [
      ...overrides.map((n) => entry(n, false)),
      ...fromMulti.filter((n) => !explicit.includes(n)).map((n) => entry(n, true)),
      ...explicit.filter((n) => !overrides.includes(n)).map((n) => entry(n, false)),
    ];
  }

  const queueSortSet = mergeSet([], profile.plugins.queueSort);
  const queueSort =
    queueSortSet.enabled[0]?.name ??
    (!queueSortSet.disabled.has('*') && !queueSortSet.disabled.has(QUEUE_SORT_PLUGIN) && multi.enabled.some((p) => p.name === QUEUE_SORT_PLUGIN)
      ? QUEUE_SORT_PLUGIN
      : undefined);

  const args = new Map<string, PluginArgs>();
  for (const c of profile.pluginConfig) {
    if (args.has(c.name)) throw new Error(`repeated config for plugin ${c.name}`);
    args.set(c.name, c.args);
  }
  return {
    ...points,
    schedulerName: profile.schedulerName,
    ...(profile.percentageOfNodesToScore !== undefined ? { percentageOfNodesToScore: profile.percentageOfNodesToScore } : {}),
    queueSort,
    args,
  };
}

const MIN_FEASIBLE_NODES_TO_FIND = 100;
const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * How many feasible nodes to find before filtering stops (upstream's numFeasibleNodesToFind):
 * every node below 100; otherwise `percentage` of them (adaptive when 0: 50% minus 1% per 125
 * nodes, at least 5%), and never fewer than 100.
 */
export function numFeasibleNodesToFind(percentage: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage;
  if (p === 0) p = Math.max(50 - Math.trunc(numAllNodes / 125), MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND);
  const n = Math.trunc((numAllNodes * p) / 100);
  return Math.max(n, MIN_FEASIBLE_NODES_TO_FIND);
}

export const CONFIG_API_VERSION = 'kubescheduler.config.k8s.io/v1';
export const CONFIG_KIND = 'KubeSchedulerConfiguration';

/** Top-level fields of the upstream type we accept and ignore (they configure things we do elsewhere). */
const IGNORED_FIELDS = new Set([
  'clientConnection', 'leaderElection', 'healthzBindAddress', 'metricsBindAddress',
  'enableProfiling', 'enableContentionProfiling', 'delayCacheUntilActive',
]);

/** A config file that does not validate; `errors` are field errors in upstream's wording. */
export class ConfigError extends Error {
  constructor(readonly errors: readonly string[]) {
    super(`invalid KubeSchedulerConfiguration: ${errors.join('; ')}`);
    this.name = 'ConfigError';
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const json = (v: unknown) => JSON.stringify(v) ?? String(v);

/** Parses and validates a KubeSchedulerConfiguration YAML document, applying upstream defaults. */
export function loadConfig(text: string): SchedulerConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ConfigError([`yaml: ${(e as Error).message}`]);
  }
  const errs: string[] = [];
  const invalid = (path: string, value: unknown, msg: string) => errs.push(`${path}: Invalid value: ${json(value)}: ${msg}`);
  if (!isObj(doc)) throw new ConfigError(['the document must be a mapping']);
  if (doc.apiVersion !== CONFIG_API_VERSION) invalid('apiVersion', doc.apiVersion, `must be "${CONFIG_API_VERSION}"`);
  if (doc.kind !== CONFIG_KIND) invalid('kind', doc.kind, `must be "${CONFIG_KIND}"`);
  const known = new Set(['apiVersion', 'kind', 'percentageOfNodesToScore', 'podInitialBackoffSeconds', 'podMaxBackoffSeconds', 'parallelism', 'profiles']);
  for (const k of Object.keys(doc)) if (!known.has(k) && !IGNORED_FIELDS.has(k)) errs.push(`unknown field "${k}"`);

  const d = defaultConfig();
  const int = (path: string, v: unknown, dflt: number): number => {
    if (v === undefined || v === null) return dflt;
    if (typeof v !== 'number' || !Number.isInteger(v)) {
      invalid(path, v, 'must be an integer');
      return dflt;
    }
    return v;
  };
  const percentage = (path: string, v: unknown): number | undefined => {
    if (v === undefined || v === null) return undefined;
    const n = int(path, v, 0);
    if (n < 0 || n > 100) invalid(path, n, 'not in valid range [0-100]');
    return n;
  };
  const config: SchedulerConfig = {
    percentageOfNodesToScore: percentage('percentageOfNodesToScore', doc.percentageOfNodesToScore) ?? d.percentageOfNodesToScore,
    podInitialBackoffSeconds: int('podInitialBackoffSeconds', doc.podInitialBackoffSeconds, d.podInitialBackoffSeconds),
    podMaxBackoffSeconds: int('podMaxBackoffSeconds', doc.podMaxBackoffSeconds, d.podMaxBackoffSeconds),
    parallelism: int('parallelism', doc.parallelism, d.parallelism),
    profiles: doc.profiles === undefined || doc.profiles === null ? d.profiles : profiles(doc.profiles, errs, invalid, percentage),
  };
  if (config.parallelism <= 0) invalid('parallelism', config.parallelism, 'should be an integer value greater than zero');
  if (config.podInitialBackoffSeconds <= 0) invalid('podInitialBackoffSeconds', config.podInitialBackoffSeconds, 'must be greater than 0');
  if (config.podMaxBackoffSeconds < config.podInitialBackoffSeconds)
    invalid('podMaxBackoffSeconds', config.podMaxBackoffSeconds, 'must be greater than or equal to PodInitialBackoffSeconds');
  if (errs.length === 0) {
    for (const [i, p] of config.profiles.entries()) {
      try {
        const r = resolveProfile(p);
        if (r.queueSort && r.queueSort !== QUEUE_SORT_PLUGIN) errs.push(`profiles[${i}].plugins.queueSort: Invalid value: "${r.queueSort}": only ${QUEUE_SORT_PLUGIN} can sort the queue`);
        if (!r.queueSort) errs.push(`profiles[${i}]: only one queue sort plugin required for profile with scheduler name "${p.schedulerName}", but got 0`);
        if (!r.bind.some((b) => KNOWN_BINDERS.has(b.name))) errs.push(`profiles[${i}]: at least one bind plugin is needed for profile with scheduler name "${p.schedulerName}"`);
      } catch (e) {
        errs.push(`profiles[${i}]: ${(e as Error).message}`);
      }
    }
  }
  if (errs.length > 0) throw new ConfigError(errs);
  return config;
}

function profiles(
  v: unknown,
  errs: string[],
  invalid: (path: string, value: unknown, msg: string) => void,
  percentage: (path: string, v: unknown) => number | undefined,
): Profile[] {
  if (!Array.isArray(v) || v.length === 0) {
    errs.push('profiles: Required value');
    return [];
  }
  const names = new Map<string, number>();
  return v.map((raw: unknown, i): Profile => {
    const path = `profiles[${i}]`;
    if (!isObj(raw)) {
      invalid(path, raw, 'must be a mapping');
      return defaultProfile();
    }
    for (const k of Object.keys(raw))
      if (!['schedulerName', 'percentageOfNodesToScore', 'plugins', 'pluginConfig'].includes(k)) errs.push(`${path}: unknown field "${k}"`);
    const schedulerName = raw.schedulerName ?? DEFAULT_SCHEDULER_NAME;
    if (typeof schedulerName !== 'string' || schedulerName === '') invalid(`${path}.schedulerName`, schedulerName, 'must be a non-empty string');
    const name = String(schedulerName);
    const prev = names.get(name);
    if (prev !== undefined) errs.push(`${path}.schedulerName: Duplicate value: "${name}" (profiles[${prev}])`);
    names.set(name, i);
    const pct = percentage(`${path}.percentageOfNodesToScore`, raw.percentageOfNodesToScore);
    return {
      schedulerName: name,
      ...(pct !== undefined ? { percentageOfNodesToScore: pct } : {}),
      plugins: plugins(`${path}.plugins`, raw.plugins, errs, invalid),
      pluginConfig: pluginConfig(`${path}.pluginConfig`, raw.pluginConfig, errs, invalid),
    };
  });
}

function plugins(path: string, v: unknown, errs: string[], invalid: (path: string, value: unknown, msg: string) => void): Plugins {
  if (v === undefined || v === null) return {};
  if (!isObj(v)) {
    invalid(path, v, 'must be a mapping');
    return {};
  }
  const out: Partial<Record<PluginSetKey, PluginSet>> = {};
  for (const [key, raw] of Object.entries(v)) {
    if (!(PLUGIN_SET_KEYS as readonly string[]).includes(key)) {
      errs.push(`${path}: unknown extension point "${key}"`);
      continue;
    }
    const setPath = `${path}.${key}`;
    if (!isObj(raw)) {
      invalid(setPath, raw, 'must be a mapping');
      continue;
    }
    const list = (field: 'enabled' | 'disabled'): Obj[] => {
      const l = raw[field];
      if (l === undefined || l === null) return [];
      if (Array.isArray(l) && l.every(isObj)) return l;
      invalid(`${setPath}.${field}`, l, 'must be a list of {name, weight}');
      return [];
    };
    const enabled = list('enabled').map((p, j): PluginRef => {
      const at = `${setPath}.enabled[${j}]`;
      if (typeof p.name !== 'string' || !KNOWN_PLUGINS.has(p.name)) invalid(`${at}.name`, p.name, 'unknown plugin');
      if (p.weight !== undefined && (typeof p.weight !== 'number' || !Number.isInteger(p.weight) || p.weight < 0 || p.weight > 100))
        invalid(`${at}.weight`, p.weight, 'weight must be an integer in [0-100] (0 means 1)');
      return { name: String(p.name), ...(typeof p.weight === 'number' ? { weight: p.weight } : {}) };
    });
    const disabled = list('disabled').map((p, j) => {
      if (typeof p.name !== 'string' || (p.name !== '*' && !KNOWN_PLUGINS.has(p.name)))
        invalid(`${setPath}.disabled[${j}].name`, p.name, 'unknown plugin');
      return { name: String(p.name) };
    });
    out[key as PluginSetKey] = { enabled, disabled };
  }
  return out;
}

function pluginConfig(
  path: string,
  v: unknown,
  errs: string[],
  invalid: (path: string, value: unknown, msg: string) => void,
): { name: string; args: PluginArgs }[] {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) {
    invalid(path, v, 'must be a list of {name, args}');
    return [];
  }
  const seen = new Set<string>();
  return v.flatMap((c: unknown, i) => {
    if (!isObj(c) || typeof c.name !== 'string' || !KNOWN_PLUGINS.has(c.name)) {
      invalid(`${path}[${i}].name`, isObj(c) ? c.name : c, 'unknown plugin');
      return [];
    }
    if (seen.has(c.name)) errs.push(`${path}[${i}]: Duplicate value: "${c.name}"`);
    seen.add(c.name);
    const args = c.args ?? {};
    if (!isObj(args)) {
      invalid(`${path}[${i}].args`, args, 'must be a mapping');
      return [];
    }
    // Upstream args carry their own apiVersion/kind (e.g. NodeResourcesFitArgs); plugins want only the fields.
    const { apiVersion: _v, kind: _k, ...fields } = args;
    return [{ name: c.name, args: fields }];
  });
}
