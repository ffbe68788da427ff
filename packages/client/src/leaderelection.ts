// Leader election on a Lease (client-go's tools/leaderelection). The rules it keeps:
// - a Lease held by someone else is taken only once it has gone unrenewed for its full duration
//   *as measured on our own clock* from when we last saw it change — never by comparing the
//   holder's timestamps with ours, so clock skew between hosts cannot cause two leaders;
// - every write is an update on the resourceVersion we read, so two candidates racing for an
//   expired Lease cannot both win;
// - a leader that cannot renew within renewDeadline stops leading (its signal aborts) before the
//   lease can expire for others (renewDeadline < leaseDuration).
// onStoppedLeading runs whenever run() returns, led or not, as upstream's deferred callback.
import type { Clock } from './clock.ts';
import { realClock } from './clock.ts';
import type { Lease, LeasePort, LeaseSpec } from './lease.ts';
import { microTime } from './lease.ts';

export interface LeaderCallbacks {
  /** Runs when this candidate becomes leader; `signal` aborts when it stops being leader. */
  onStartedLeading(signal: AbortSignal): void;
  onStoppedLeading(): void;
  /** Told of each new holder observed, this candidate included. */
  onNewLeader?(identity: string): void;
}

export interface LeaderElectorOptions {
  port: LeasePort;
  namespace: string;
  name: string;
  identity: string;
  callbacks: LeaderCallbacks;
  clock?: Clock;
  /** Defaults as upstream's: 15, 10 and 2 seconds. */
  leaseDurationSeconds?: number;
  renewDeadlineSeconds?: number;
  retryPeriodSeconds?: number;
  /** Give the Lease up (holder cleared, duration 1 s) when run()'s signal aborts. */
  releaseOnCancel?: boolean;
  random?: () => number;
}

/** Retry waits are stretched by up to this factor (upstream's JitterFactor). */
const JITTER = 1.2;

export class LeaderElector {
  readonly #o: Required<Omit<LeaderElectorOptions, 'releaseOnCancel'>> & { releaseOnCancel: boolean };
  #observed: LeaseSpec = {};
  #observedJson = '';
  #observedAt = 0;
  #lease: Lease | undefined;
  #reportedLeader = '';

  constructor(opts: LeaderElectorOptions) {
    this.#o = {
      clock: realClock, leaseDurationSeconds: 15, renewDeadlineSeconds: 10, retryPeriodSeconds: 2,
      random: Math.random, releaseOnCancel: false, ...opts,
    };
    const { leaseDurationSeconds: lease, renewDeadlineSeconds: renew, retryPeriodSeconds: retry, identity } = this.#o;
    if (!identity) throw new Error('leader election needs an identity');
    if (!(lease > renew)) throw new Error('leaseDuration must be greater than renewDeadline');
    if (!(renew > JITTER * retry)) throw new Error(`renewDeadline must be greater than retryPeriod*${JITTER}`);
    if (!(retry > 0)) throw new Error('retryPeriod must be greater than zero');
  }

  isLeader(): boolean {
    return this.#observed.holderIdentity === this.#o.identity;
  }

  /** The holder last observed ('' when none). */
  getLeader(): string {
    return this.#observed.holderIdentity ?? '';
  }

  /**
   * Stands again after every lost term until `signal` aborts, one retry period apart: what a
   * component that keeps running after losing the Lease wants.
   */
  async campaign(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.run(signal);
      if (!signal.aborted) await this.#o.clock.sleep(this.#o.retryPeriodSeconds * 1000, signal).catch(() => undefined);
    }
  }

  /** Campaigns, leads while it can renew, and returns when leadership is lost or `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      if (!(await this.#acquire(signal))) return;
      const leading = new AbortController();
      const stop = () => leading.abort(signal.reason);
      signal.addEventListener('abort', stop, { once: true });
      try {
        this.#o.callbacks.onStartedLeading(leading.signal);
        await this.#renew(signal);
      } finally {
        signal.removeEventListener('abort', stop);
        leading.abort();
      }
      if (signal.aborted && this.#o.releaseOnCancel) await this.#release();
    } finally {
      this.#o.callbacks.onStoppedLeading();
    }
  }

  async #acquire(signal: AbortSignal): Promise<boolean> {
    const retryMs = this.#o.retryPeriodSeconds * 1000;
    while (!signal.aborted) {
      const ok = await this.#tryAcquireOrRenew();
      this.#reportTransition();
      if (ok) return true;
      if (!(await this.#sleep(retryMs + this.#o.random() * JITTER * retryMs, signal))) return false;
    }
    return false;
  }

  /** Renews every retryPeriod; gives up when a renewal has not succeeded within renewDeadline. */
  async #renew(signal: AbortSignal): Promise<void> {
    const { clock } = this.#o;
    const retryMs = this.#o.retryPeriodSeconds * 1000;
    const deadlineMs = this.#o.renewDeadlineSeconds * 1000;
    while (!signal.aborted) {
      const start = clock.now().getTime();
      let ok = false;
      for (;;) {
        ok = await this.#withDeadline(this.#tryAcquireOrRenew(), start + deadlineMs);
        if (ok || signal.aborted) break;
        if (clock.now().getTime() + retryMs >= start + deadlineMs) break;
        if (!(await this.#sleep(retryMs, signal))) break;
      }
      this.#reportTransition();
      if (!ok) return;
      if (!(await this.#sleep(retryMs, signal))) return;
    }
  }

  /** One attempt; false on any failure (conflict, held by another, network). */
  async #tryAcquireOrRenew(): Promise<boolean> {
    const { port, namespace, name, identity, leaseDurationSeconds } = this.#o;
    const now = this.#o.clock.now();
    const desired: LeaseSpec = { holderIdentity: identity, leaseDurationSeconds, acquireTime: microTime(now), renewTime: microTime(now), leaseTransitions: 0 };
    try {
      const current = await port.get(namespace, name);
      if (!current) {
        this.#lease = await port.create({ apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name, namespace }, spec: desired });
        this.#observe(this.#lease.spec ?? desired, now.getTime());
        return true;
      }
      const spec = current.spec ?? {};
      if (JSON.stringify(spec) !== this.#observedJson) this.#observe(spec, now.getTime());
      const holder = spec.holderIdentity ?? '';
      const expiresAt = this.#observedAt + (spec.leaseDurationSeconds ?? 0) * 1000;
      if (holder && holder !== identity && expiresAt > now.getTime()) return false;
      if (holder === identity) {
        desired.acquireTime = spec.acquireTime ?? desired.acquireTime;
        desired.leaseTransitions = spec.leaseTransitions ?? 0;
      } else {
        desired.leaseTransitions = (spec.leaseTransitions ?? 0) + 1;
      }
      this.#lease = await port.update({ ...current, spec: desired });
      this.#observe(this.#lease.spec ?? desired, now.getTime());
      return true;
    } catch {
      return false;
    }
  }

  async #release(): Promise<void> {
    if (!this.isLeader() || !this.#lease) return;
    const now = microTime(this.#o.clock.now());
    const spec: LeaseSpec = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: now, renewTime: now, leaseTransitions: this.#observed.leaseTransitions ?? 0 };
    try {
      this.#lease = await this.#o.port.update({ ...this.#lease, spec });
      this.#observe(this.#lease.spec ?? spec, this.#o.clock.now().getTime());
    } catch {
      // The Lease then simply expires after its duration.
    }
  }

  #observe(spec: LeaseSpec, at: number): void {
    this.#observed = spec;
    this.#observedJson = JSON.stringify(spec);
    this.#observedAt = at;
  }

  #reportTransition(): void {
    const holder = this.#observed.holderIdentity ?? '';
    if (!holder || holder === this.#reportedLeader) return;
    this.#reportedLeader = holder;
    this.#o.callbacks.onNewLeader?.(holder);
  }

  /** false when the signal aborted instead. */
  async #sleep(ms: number, signal: AbortSignal): Promise<boolean> {
    try {
      await this.#o.clock.sleep(ms, signal);
      return true;
    } catch {
      return false;
    }
  }

  /** The attempt's result, or false if the clock reaches `at` first. */
  #withDeadline(attempt: Promise<boolean>, at: number): Promise<boolean> {
    const { clock } = this.#o;
    return new Promise((resolve) => {
      const timer = clock.setTimeout(() => resolve(false), at - clock.now().getTime());
      void attempt.then((ok) => {
        clock.clearTimeout(timer);
        resolve(ok);
      });
    });
  }
}
