// Upstream's plugins/helper.DefaultNormalizeScore, used by the plugins whose raw scores are counts
// or weight sums. It lives here (NodeAffinity is its first user) until the framework takes it.
import { SUCCESS, type Status } from '../../framework/status.ts';
import { MAX_NODE_SCORE, type NodeScore } from '../../framework/types.ts';

/**
 * Scales scores so the highest becomes MAX_NODE_SCORE (integer division, as upstream); with
 * `reverse`, the highest becomes 0 and the lowest the maximum. All zero: 0 each, or the maximum
 * each when reversed.
 */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, maxPriority = MAX_NODE_SCORE): Status {
  let max = 0;
  for (const s of scores) max = Math.max(max, s.score);
  if (max === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return SUCCESS;
  }
  for (const s of scores) {
    const scaled = Math.trunc((maxPriority * s.score) / max);
    s.score = reverse ? maxPriority - scaled : scaled;
  }
  return SUCCESS;
}
