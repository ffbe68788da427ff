// The NodeResourcesFit scoring strategies (upstream's least_allocated.go, most_allocated.go,
// requested_to_capacity_ratio.go). Each is a weighted mean over the resources the node has;
// arithmetic is on integers and truncates like Go's int64 division, except where upstream rounds.
import { MAX_NODE_SCORE } from '../../framework/types.ts';
import { MAX_CUSTOM_PRIORITY_SCORE, MAX_UTILIZATION, type ResourceSpec, type UtilizationShapePoint } from './args.ts';
import type { Scorer } from './resource-allocation.ts';

/** Free share of the node after placing the pod; 0 when it would be over-committed. */
function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** Used share of the node after placing the pod, capped at full. */
function mostRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  return Math.trunc((Math.min(requested, capacity) * MAX_NODE_SCORE) / capacity);
}

function weightedMean(resources: readonly ResourceSpec[], perResource: (requested: number, capacity: number) => number): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      const capacity = allocatable[i] ?? 0;
      if (capacity === 0) continue;
      const weight = resources[i]?.weight ?? 1;
      score += perResource(requested[i] ?? 0, capacity) * weight;
      weights += weight;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

export const leastAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer => weightedMean(resources, leastRequestedScore);
export const mostAllocatedScorer = (resources: readonly ResourceSpec[]): Scorer => weightedMean(resources, mostRequestedScore);

/** Upstream's helper.BuildBrokenLinearFunction: linear between points, flat beyond the ends. */
export function brokenLinear(shape: readonly UtilizationShapePoint[]): (p: number) => number {
  return (p) => {
    for (let i = 0; i < shape.length; i++) {
      const cur = shape[i] as UtilizationShapePoint;
      if (p > cur.utilization) continue;
      if (i === 0) return cur.score;
      const prev = shape[i - 1] as UtilizationShapePoint;
      return prev.score + Math.trunc(((cur.score - prev.score) * (p - prev.utilization)) / (cur.utilization - prev.utilization));
    }
    return shape[shape.length - 1]?.score ?? 0;
  };
}

/**
 * Scores each resource on the configured utilization curve (shape scores 0..10 scaled to 0..100),
 * then takes the weighted mean of the resources that score above 0, rounded.
 */
export function requestedToCapacityRatioScorer(resources: readonly ResourceSpec[], shape: readonly UtilizationShapePoint[]): Scorer {
  const scale = MAX_NODE_SCORE / MAX_CUSTOM_PRIORITY_SCORE;
  const curve = brokenLinear(shape.map((p) => ({ utilization: p.utilization, score: p.score * scale })));
  const perResource = (requested: number, capacity: number) =>
    capacity === 0 || requested > capacity ? curve(MAX_UTILIZATION) : curve(Math.trunc((requested * MAX_UTILIZATION) / capacity));
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    requested.forEach((req, i) => {
      const capacity = allocatable[i] ?? 0;
      if (capacity === 0) return;
      const weight = resources[i]?.weight ?? 1;
      const s = perResource(req, capacity);
      if (s > 0) {
        score += s * weight;
        weights += weight;
      }
    });
    return weights === 0 ? 0 : Math.round(score / weights);
  };
}
