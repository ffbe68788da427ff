// One probe worker: one container of one pod, one probe kind, ticking every periodSeconds on
// the host's clock (upstream worker.go). Each tick reads the container's latest state, applies
// the gates in upstream's order — new container id resets the result to the kind's initial
// value and lifts a hold; a container that is not running fails; initialDelaySeconds counts
// from its start; startup runs only until the container has started, liveness and readiness
// only after — then probes and publishes once successThreshold / failureThreshold consecutive
// results agree. A liveness or startup failure holds the worker until a new container appears,
// so a container being killed is not probed again.
import type { Clock, TimerHandle } from '@k8ts/client';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { probeSpec, type ProbeVerdict } from './prober.ts';
import type { ProbeResult, ResultsManager } from './results.ts';
import type { ProbeKind } from './types.ts';
import { probeTiming, type ProbeTiming } from './spec.ts';

export type ContainerRunState = 'waiting' | 'running' | 'terminated';

/** What the pod worker reports about a container; the prober never lists containers itself. */
export interface ContainerProbeState {
  /** CRI container id, without the "containerd://" prefix. */
  id: string;
  state: ContainerRunState;
  /** When the running container started; initialDelaySeconds counts from here. */
  startedAt?: Date;
}

/** What a worker needs from its manager. */
export interface WorkerHost {
  readonly clock: Clock;
  /** The container's latest state; `startedAt` is filled in by the host when the report lacked it. */
  container(podUid: string, name: string): Required<ContainerProbeState> | undefined;
  podIP(podUid: string): string;
  isStarted(podUid: string, name: string, containerId: string): boolean;
  probe(kind: ProbeKind, pod: Pod, container: Container, containerId: string, podIP: string): Promise<ProbeVerdict>;
  workerExited(worker: ProbeWorker): void;
}

const INITIAL: Record<ProbeKind, ProbeResult> = { readiness: 'Failure', liveness: 'Success', startup: 'Unknown' };

export class ProbeWorker {
  readonly #timing: ProbeTiming;
  #timer: TimerHandle | undefined;
  #busy = false;
  #queued = false;
  #stopped = false;
  #exited = false;
  #containerId = '';
  #lastResult: ProbeResult | undefined;
  #resultRun = 0;
  #onHold = false;

  constructor(
    private readonly host: WorkerHost,
    readonly kind: ProbeKind,
    readonly pod: Pod,
    readonly container: Container,
    private readonly results: ResultsManager,
  ) {
    this.#timing = probeTiming(probeSpec(kind, container) ?? {});
  }

  get podUid(): string {
    return this.pod.metadata?.uid ?? '';
  }

  get periodMs(): number {
    return this.#timing.periodSeconds * 1000;
  }

  /** Starts ticking; the first probe runs after `delayMs` (upstream's start-up jitter). */
  start(delayMs: number): void {
    this.#timer = this.host.clock.setTimeout(() => this.#tick(), delayMs);
  }

  /** Asks for a probe now (upstream's manual trigger); collapses with one already queued. */
  trigger(): void {
    void this.#run();
  }

  /** Stops after the probe in flight, if any; then forgets its result and leaves the manager. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== undefined) this.host.clock.clearTimeout(this.#timer);
    if (!this.#busy) this.#exit();
  }

  #tick(): void {
    if (this.#stopped) return;
    this.#timer = this.host.clock.setTimeout(() => this.#tick(), this.periodMs);
    void this.#run();
  }

  async #run(): Promise<void> {
    if (this.#stopped) return;
    if (this.#busy) {
      this.#queued = true;
      return;
    }
    this.#busy = true;
    let keepGoing = true;
    try {
      keepGoing = await this.#doProbe();
    } finally {
      this.#busy = false;
    }
    if (!keepGoing) this.stop();
    if (this.#stopped) return this.#exit();
    if (this.#queued) {
      this.#queued = false;
      void this.#run();
    }
  }

  #exit(): void {
    if (this.#exited) return;
    this.#exited = true;
    if (this.#containerId) this.results.remove(this.#containerId);
    this.host.workerExited(this);
  }

  #set(result: ProbeResult): void {
    this.results.set(this.#containerId, result, this.podUid, this.container.name);
  }

  /** One tick; false ends the worker. */
  async #doProbe(): Promise<boolean> {
    const uid = this.podUid;
    const c = this.host.container(uid, this.container.name);
    if (!c?.id) return true;

    if (c.id !== this.#containerId) {
      if (this.#containerId) this.results.remove(this.#containerId);
      this.#containerId = c.id;
      this.#set(INITIAL[this.kind]);
      this.#onHold = false;
    }
    if (this.#onHold) return true;

    if (c.state !== 'running') {
      this.#set('Failure');
      return c.state !== 'terminated' || this.pod.spec?.restartPolicy !== 'Never';
    }
    // A pod being deleted is shut down quietly: liveness and startup stop claiming failure.
    if (this.pod.metadata?.deletionTimestamp && this.kind !== 'readiness') {
      this.#set('Success');
      return false;
    }
    const now = this.host.clock.now().getTime();
    if (Math.trunc((now - c.startedAt.getTime()) / 1000) < this.#timing.initialDelaySeconds) return true;

    const started = this.host.isStarted(uid, this.container.name, c.id);
    if (started === (this.kind === 'startup')) return true;

    const containerId = c.id;
    const verdict = await this.host.probe(this.kind, this.pod, this.container, containerId, this.host.podIP(uid));
    if (this.#stopped || verdict.errored) return true;

    if (verdict.result === this.#lastResult) this.#resultRun += 1;
    else {
      this.#lastResult = verdict.result;
      this.#resultRun = 1;
    }
    const threshold = verdict.result === 'Failure' ? this.#timing.failureThreshold : this.#timing.successThreshold;
    if (this.#resultRun < threshold) return true;

    this.#set(verdict.result);
    if (verdict.result === 'Failure' && this.kind !== 'readiness') {
      this.#onHold = true;
      this.#resultRun = 0;
    }
    return true;
  }
}
