// CrashLoopBackOff: client-go's flowcontrol.Backoff as the kubelet configures it (10 s doubling
// to 300 s, no jitter, reset when a container ran longer than 10 minutes) and the doBackOff check
// of kuberuntime_manager.go.
import type { Clock } from '@k8ts/client';
import type { ContainerStatus } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { containerNameOf } from '../status/labels.ts';
import { formatPod, stableKey } from './labels.ts';

export interface CrashLoopBackoffOptions {
  clock: Clock;
  /** First delay; default 10 s. */
  initialMs?: number;
  /** Cap; default 300 s. */
  maxMs?: number;
  /** A container that ran longer than this before exiting starts over at `initialMs`; default 600 s. */
  resetAfterMs?: number;
}

interface Entry {
  delayMs: number;
  /** When `next` last ran, i.e. when the container was last (re)started. */
  lastUpdate: number;
}

export type BackoffCheck = { inBackoff: false } | { inBackoff: true; message: string };

export class CrashLoopBackoff {
  readonly #clock: Clock;
  readonly #initial: number;
  readonly #max: number;
  readonly #resetAfter: number;
  readonly #entries = new Map<string, Entry>();

  constructor(options: CrashLoopBackoffOptions) {
    this.#clock = options.clock;
    this.#initial = options.initialMs ?? 10_000;
    this.#max = options.maxMs ?? 300_000;
    this.#resetAfter = options.resetAfterMs ?? 600_000;
    if (!(this.#initial > 0) || !(this.#max >= this.#initial) || !(this.#resetAfter > 0)) {
      throw new RangeError('CrashLoopBackoff needs 0 < initialMs <= maxMs and resetAfterMs > 0');
    }
  }

  /** The current delay for `key`; 0 when it has none. */
  get(key: string): number {
    return this.#entries.get(key)?.delayMs ?? 0;
  }

  /**
   * Records a (re)start after an exit at `eventTime`: the first delay, or double the last one up
   * to the cap — unless the run that ended at `eventTime` was long enough to start over.
   */
  next(key: string, eventTime: Date): void {
    const entry = this.#entries.get(key);
    const delayMs = !entry || this.#expired(eventTime.getTime(), entry) ? this.#initial : Math.min(entry.delayMs * 2, this.#max);
    this.#entries.set(key, { delayMs, lastUpdate: this.#clock.now().getTime() });
  }

  /** Whether less than the current delay has passed since `eventTime` (strictly less). */
  isInBackOffSince(key: string, eventTime: Date): boolean {
    const entry = this.#entries.get(key);
    if (!entry || this.#expired(eventTime.getTime(), entry)) return false;
    return this.#clock.now().getTime() - eventTime.getTime() < entry.delayMs;
  }

  reset(key: string): void {
    this.#entries.delete(key);
  }

  /** Forgets keys not restarted for `resetAfterMs` (the kubelet calls this from housekeeping). */
  gc(): void {
    const now = this.#clock.now().getTime();
    for (const [key, entry] of this.#entries) if (this.#expired(now, entry)) this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }

  /**
   * Upstream doBackOff, run just before (re)starting `container`: when its newest exited attempt
   * finished less than the current delay ago, the start is refused with the CrashLoopBackOff
   * message; otherwise the delay advances and the start may proceed. A container that never
   * exited is never held back.
   */
  check(pod: Pod, container: Container, statuses: readonly ContainerStatus[]): BackoffCheck {
    const exited = statuses
      .filter((s) => s.state === 'CONTAINER_EXITED' && (s.metadata?.name || containerNameOf(s.labels)) === container.name)
      .sort((a, b) => (BigInt(b.created_at || '0') > BigInt(a.created_at || '0') ? 1 : -1))[0];
    if (!exited) return { inBackoff: false };
    const finishedAt = new Date(Number(BigInt(exited.finished_at || '0') / 1_000_000n));
    const key = stableKey(pod, container);
    if (this.isInBackOffSince(key, finishedAt)) {
      return { inBackoff: true, message: backoffMessage(this.get(key), container.name, pod) };
    }
    this.next(key, finishedAt);
    return { inBackoff: false };
  }

  #expired(eventTime: number, entry: Entry): boolean {
    return eventTime - entry.lastUpdate > this.#resetAfter;
  }
}

/** "back-off 1m20s restarting failed container=c pod=p_ns(uid)": the waiting message upstream shows. */
export function backoffMessage(delayMs: number, containerName: string, pod: Pod): string {
  return `back-off ${goDuration(delayMs)} restarting failed container=${containerName} pod=${formatPod(pod)}`;
}

/** A duration as Go's time.Duration.String() prints it (10s, 1m20s, 5m0s, 1h0m0s, 500ms). */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${sign}${trim(abs)}ms`;
  const hours = Math.floor(abs / 3_600_000);
  const minutes = Math.floor((abs % 3_600_000) / 60_000);
  const seconds = trim((abs % 60_000) / 1000);
  if (hours > 0) return `${sign}${hours}h${minutes}m${seconds}s`;
  if (minutes > 0) return `${sign}${minutes}m${seconds}s`;
  return `${sign}${seconds}s`;
}

const trim = (n: number): string => String(Number(n.toFixed(9)));
