// NodeResourcesFitArgs as kubescheduler.config.k8s.io/v1, with upstream's defaulting
// (SetDefaults_NodeResourcesFitArgs) and validation rules.
import type { PluginArgs } from '../../framework/types.ts';

export interface ResourceSpec {
  name: string;
  /** 1..100; 0 or unset defaults to 1. */
  weight: number;
}

/** A point of the RequestedToCapacityRatio curve: utilization 0..100 (%) → score 0..10. */
export interface UtilizationShapePoint {
  utilization: number;
  score: number;
}

export const SCORING_STRATEGY_TYPES = ['LeastAllocated', 'MostAllocated', 'RequestedToCapacityRatio'] as const;
export type ScoringStrategyType = (typeof SCORING_STRATEGY_TYPES)[number];

export interface ScoringStrategy {
  type: ScoringStrategyType;
  resources: ResourceSpec[];
  /** Required (non-empty shape) for RequestedToCapacityRatio; upstream has no default curve. */
  requestedToCapacityRatio?: { shape: UtilizationShapePoint[] };
}

export interface NodeResourcesFitArgs {
  /** Extended resources the Filter does not check. */
  ignoredResources: string[];
  /** Extended resource groups (the part before "/") the Filter does not check. */
  ignoredResourceGroups: string[];
  scoringStrategy: ScoringStrategy;
}

/** The highest score a RequestedToCapacityRatio shape point may give (upstream's MaxCustomPriorityScore). */
export const MAX_CUSTOM_PRIORITY_SCORE = 10;
export const MAX_UTILIZATION = 100;

export const defaultResourceSpec = (): ResourceSpec[] => [
  { name: 'cpu', weight: 1 },
  { name: 'memory', weight: 1 },
];

/** Resources with upstream's defaults: none → cpu and memory at weight 1; weight 0 → 1. */
export function resourcesWithDefaults(resources: readonly Partial<ResourceSpec>[] | undefined): ResourceSpec[] {
  if (!resources || resources.length === 0) return defaultResourceSpec();
  return resources.map((r) => ({ name: r.name ?? '', weight: r.weight || 1 }));
}

export function validateResources(resources: readonly ResourceSpec[], path: string): string[] {
  const errs: string[] = [];
  resources.forEach((r, i) => {
    if (!r.name) errs.push(`${path}[${i}].name: Required value`);
    if (r.weight < 1 || r.weight > 100) errs.push(`${path}[${i}].weight: Invalid value: ${r.weight}: resource weight of ${r.name} should be in range [1, 100]`);
  });
  return errs;
}

function validateShape(shape: readonly UtilizationShapePoint[], path: string): string[] {
  if (shape.length === 0) return [`${path}: Required value: at least one point must be specified`];
  const errs: string[] = [];
  shape.forEach((p, i) => {
    if (p.utilization < 0 || p.utilization > MAX_UTILIZATION)
      errs.push(`${path}[${i}].utilization: Invalid value: ${p.utilization}: not in valid range [0, ${MAX_UTILIZATION}]`);
    else if (i > 0 && p.utilization <= (shape[i - 1]?.utilization ?? 0))
      errs.push(`${path}[${i}].utilization: Invalid value: ${p.utilization}: utilization values must be sorted in increasing order`);
    if (p.score < 0 || p.score > MAX_CUSTOM_PRIORITY_SCORE)
      errs.push(`${path}[${i}].score: Invalid value: ${p.score}: not in valid range [0, ${MAX_CUSTOM_PRIORITY_SCORE}]`);
  });
  return errs;
}

/** Defaults then validates plugin args from the config file; throws every problem at once. */
export function fitArgsWithDefaults(raw: PluginArgs | undefined): NodeResourcesFitArgs {
  const given = (raw ?? {}) as Partial<NodeResourcesFitArgs> & { scoringStrategy?: Partial<ScoringStrategy> };
  const strategy = given.scoringStrategy;
  const args: NodeResourcesFitArgs = {
    ignoredResources: [...(given.ignoredResources ?? [])],
    ignoredResourceGroups: [...(given.ignoredResourceGroups ?? [])],
    scoringStrategy: {
      type: strategy?.type ?? 'LeastAllocated',
      resources: resourcesWithDefaults(strategy?.resources),
      ...(strategy?.requestedToCapacityRatio ? { requestedToCapacityRatio: strategy.requestedToCapacityRatio } : {}),
    },
  };
  const errs: string[] = [];
  args.ignoredResourceGroups.forEach((g, i) => {
    if (g.includes('/')) errs.push(`ignoredResourceGroups[${i}]: Invalid value: ${JSON.stringify(g)}: resource group name can't contain '/'`);
  });
  const s = args.scoringStrategy;
  if (!SCORING_STRATEGY_TYPES.includes(s.type))
    errs.push(`scoringStrategy.type: Unsupported value: ${JSON.stringify(s.type)}: supported values: ${SCORING_STRATEGY_TYPES.map((t) => JSON.stringify(t)).join(', ')}`);
  errs.push(...validateResources(s.resources, 'scoringStrategy.resources'));
  if (s.type === 'RequestedToCapacityRatio')
    errs.push(...validateShape(s.requestedToCapacityRatio?.shape ?? [], 'scoringStrategy.requestedToCapacityRatio.shape'));
  if (errs.length > 0) throw new Error(`invalid NodeResourcesFitArgs: ${errs.join(', ')}`);
  return args;
}
