// Back-off before replacing failed pods (upstream backoff_utils.go): per Job, the number of pod
// failures since the last success and when the latest of them happened. The n-th consecutive
// failure delays new pods by 10 s · 2^(n-1), capped at 10 minutes (upstream
// DefaultJobPodFailureBackOff / MaxJobPodFailureBackOff). The record lives in memory only, as
// upstream's: a restarted controller forgets it.
import type { Pod } from 'kubernetes-types/core/v1';

export const POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 10 * 60_000;

export interface BackoffRecord {
  key: string;
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** When a finished pod finished: its last container exit, else its deletion, else its creation. */
export function finishTime(pod: Pod): number {
  let latest: number | undefined;
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const at = s.state?.terminated?.finishedAt;
    if (at) latest = Math.max(latest ?? 0, Date.parse(at));
  }
  if (latest !== undefined) return latest;
  const notReady = pod.status?.conditions?.find((c) => c.type === 'Ready' && c.status === 'False')?.lastTransitionTime;
  if (notReady) return Date.parse(notReady);
  if (pod.metadata?.deletionTimestamp) return Date.parse(pod.metadata.deletionTimestamp);
  return Date.parse(pod.metadata?.creationTimestamp ?? '1970-01-01T00:00:00Z');
}

export class BackoffStore {
  readonly #records = new Map<string, BackoffRecord>();

  /** The record after counting pods that finished since the last sync (not yet stored). */
  next(key: string, newSucceeded: readonly Pod[], newFailed: readonly Pod[]): BackoffRecord {
    const old = this.#records.get(key) ?? { key, failuresAfterLastSuccess: 0 };
    if (newSucceeded.length === 0) {
      if (newFailed.length === 0) return old;
      const last = Math.max(...newFailed.map(finishTime), old.lastFailureTime ?? 0);
      return { key, failuresAfterLastSuccess: old.failuresAfterLastSuccess + newFailed.length, lastFailureTime: last };
    }
    const lastSuccess = Math.max(...newSucceeded.map(finishTime));
    const after = newFailed.map(finishTime).filter((t) => t > lastSuccess);
    if (after.length === 0) return { key, failuresAfterLastSuccess: 0 };
    return { key, failuresAfterLastSuccess: after.length, lastFailureTime: Math.max(...after) };
  }

  store(record: BackoffRecord): void {
    this.#records.set(record.key, record);
  }

  delete(key: string): void {
    this.#records.delete(key);
  }
}

/** How long new pods must still wait after `record`'s failures; 0 when they may be created now. */
export function remainingBackoff(record: BackoffRecord, now: number): number {
  if (record.failuresAfterLastSuccess === 0 || record.lastFailureTime === undefined) return 0;
  const delay = Math.min(POD_FAILURE_BACKOFF_MS * 2 ** (record.failuresAfterLastSuccess - 1), MAX_POD_FAILURE_BACKOFF_MS);
  const elapsed = now - record.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}
