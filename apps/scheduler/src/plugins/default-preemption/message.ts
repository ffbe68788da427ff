// The message preemption gives when no node can be helped (upstream's FitError.Error(), which
// the evaluator builds over the dry run's per-node statuses): a histogram of reasons, each as
// "<count> <reason>", sorted as strings and joined by ", ". Nodes the dry run did not examine
// — filtered out as unresolvable, or never reached — count as "Preemption is not helpful for
// scheduling".
import { reasonsOf, type Status } from '../../framework/status.ts';

export const NOT_HELPFUL = 'Preemption is not helpful for scheduling';

export function fitErrorMessage(numAllNodes: number, nodeStatuses: ReadonlyMap<string, Status>): string {
  const counts = new Map<string, number>();
  const bump = (reason: string, n: number) => counts.set(reason, (counts.get(reason) ?? 0) + n);
  for (const s of nodeStatuses.values()) for (const r of reasonsOf(s)) bump(r, 1);
  if (nodeStatuses.size < numAllNodes) bump(NOT_HELPFUL, numAllNodes - nodeStatuses.size);
  const histogram = [...counts].map(([reason, n]) => `${n} ${reason}`).sort();
  return `0/${numAllNodes} nodes are available:` + (histogram.length > 0 ? ` ${histogram.join(', ')}.` : '');
}
