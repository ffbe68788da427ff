// Whether a new NodeStatus says anything the stored one does not (upstream's
// nodeStatusHasChanged): heartbeat times always move, so they do not count as a change.
import type { NodeStatus } from 'kubernetes-types/core/v1';

const canonical = (v: unknown): unknown => {
  if (Array.isArray(v)) return v.map(canonical);
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([k, x]) => k !== 'lastHeartbeatTime' && x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, x]) => [k, canonical(x)]));
  }
  return v;
};

export const statusChanged = (stored: NodeStatus | undefined, next: NodeStatus): boolean =>
  JSON.stringify(canonical(stored ?? {})) !== JSON.stringify(canonical(next));
