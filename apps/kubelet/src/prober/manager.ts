// ProbeManager: one worker per container per probe kind of every pod it is given (upstream
// prober_manager.go), the three result caches, and the started/ready view of a container that
// pod status needs. The pod worker feeds it: addPod when a pod is admitted, updateContainer as
// containers are created, start, die and are replaced, setPodIP once the sandbox has an
// address, stopLivenessAndStartup when termination begins, removePod at the end.
import type { Clock } from '@k8ts/client';
import { realClock } from '@k8ts/client';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { probeContainer, probeSpec, type ProbeEventRecorder, type ProbeVerdict } from './prober.ts';
import { ResultsManager } from './results.ts';
import type { HttpGetter, ProbeContext, ProbeKind, TcpConnector } from './types.ts';
import { ProbeWorker, type ContainerProbeState, type WorkerHost } from './worker.ts';

export interface ProbeManagerOptions {
  runtime: ProbeContext['runtime'];
  recorder?: ProbeEventRecorder;
  clock?: Clock;
  httpGet?: HttpGetter;
  tcpConnect?: TcpConnector;
  /**
   * Fraction of a period a worker waits before its first probe while the manager is younger
   * than that period, so a restarted kubelet does not probe everything at once; default Math.random.
   */
  random?: () => number;
}

interface PodEntry {
  pod: Pod;
  podIP: string;
  containers: Map<string, Required<ContainerProbeState>>;
}

export interface ContainerProbeStatus {
  started: boolean;
  ready: boolean;
}

const KINDS: readonly ProbeKind[] = ['startup', 'readiness', 'liveness'];

/** The containers probes run for: regular ones and restartable (sidecar) init containers. */
function probedContainers(pod: Pod): Container[] {
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  return [...(pod.spec?.containers ?? []), ...sidecars];
}

export class ProbeManager {
  readonly liveness = new ResultsManager();
  readonly readiness = new ResultsManager();
  readonly startup = new ResultsManager();
  readonly #o: Required<Pick<ProbeManagerOptions, 'clock' | 'random'>> & ProbeManagerOptions;
  readonly #startedAt: number;
  readonly #pods = new Map<string, PodEntry>();
  readonly #workers = new Map<string, ProbeWorker>();
  readonly #host: WorkerHost;

  constructor(options: ProbeManagerOptions) {
    this.#o = { clock: realClock, random: Math.random, ...options };
    this.#startedAt = this.#o.clock.now().getTime();
    this.#host = {
      clock: this.#o.clock,
      container: (uid, name) => this.#pods.get(uid)?.containers.get(name),
      podIP: (uid) => this.#pods.get(uid)?.podIP ?? '',
      isStarted: (uid, name, id) => this.#isStarted(uid, name, id),
      probe: (kind, pod, container, containerId, podIP) => this.#probe(kind, pod, container, containerId, podIP),
      workerExited: (w) => {
        const key = workerKey(w.podUid, w.container.name, w.kind);
        if (this.#workers.get(key) === w) this.#workers.delete(key);
      },
    };
  }

  /**
   * Starts the workers for every probe `pod` declares (a no-op for workers that exist).
   * `containers` gives the containers already known by name, e.g. after a kubelet restart.
   */
  addPod(pod: Pod, containers: Readonly<Record<string, ContainerProbeState>> = {}): void {
    const uid = pod.metadata?.uid ?? '';
    const entry = this.#pods.get(uid) ?? { pod, podIP: pod.status?.podIP ?? '', containers: new Map() };
    entry.pod = pod;
    this.#pods.set(uid, entry);
    for (const [name, state] of Object.entries(containers)) this.updateContainer(uid, name, state);
    const now = this.#o.clock.now().getTime();
    for (const container of probedContainers(pod)) {
      for (const kind of KINDS) {
        const key = workerKey(uid, container.name, kind);
        if (!probeSpec(kind, container) || this.#workers.has(key)) continue;
        const worker = new ProbeWorker(this.#host, kind, pod, container, this.#results(kind));
        this.#workers.set(key, worker);
        const young = worker.periodMs > now - this.#startedAt;
        worker.start(young ? Math.floor(this.#o.random() * worker.periodMs) : 0);
      }
    }
  }

  /** Records a container's state; `null` forgets it. Workers notice on their next tick. */
  updateContainer(podUid: string, name: string, state: ContainerProbeState | null): void {
    const entry = this.#pods.get(podUid);
    if (!entry) return;
    if (!state) {
      entry.containers.delete(name);
      return;
    }
    const known = entry.containers.get(name);
    const keepStart = known?.id === state.id && known.state === 'running' && state.state === 'running';
    const startedAt = state.startedAt ?? (keepStart ? known.startedAt : this.#o.clock.now());
    entry.containers.set(name, { id: state.id, state: state.state, startedAt });
  }

  setPodIP(podUid: string, podIP: string): void {
    const entry = this.#pods.get(podUid);
    if (entry) entry.podIP = podIP;
  }

  /** Termination has begun: liveness and startup must no longer restart anything. */
  stopLivenessAndStartup(podUid: string): void {
    for (const w of this.#workersOf(podUid)) if (w.kind !== 'readiness') w.stop();
  }

  removePod(podUid: string): void {
    for (const w of this.#workersOf(podUid)) w.stop();
    this.#pods.delete(podUid);
  }

  /** Stops the workers of every pod not in `desired` (upstream CleanupPods). */
  cleanupPods(desired: ReadonlySet<string>): void {
    for (const uid of [...this.#pods.keys()]) if (!desired.has(uid)) this.removePod(uid);
  }

  /** Stops every worker. */
  stop(): void {
    for (const uid of [...this.#pods.keys()]) this.removePod(uid);
  }

  /** Whether a worker runs for this container and kind. */
  hasWorker(podUid: string, name: string, kind: ProbeKind): boolean {
    return this.#workers.has(workerKey(podUid, name, kind));
  }

  /**
   * `started` and `ready` for a container's status (upstream UpdatePodStatus): started once the
   * startup probe succeeded (at once without one); ready once started and the readiness probe
   * succeeded (at once without one). An unready container with a readiness worker gets a probe
   * now rather than at its next period.
   */
  containerStatus(podUid: string, name: string): ContainerProbeStatus {
    const c = this.#pods.get(podUid)?.containers.get(name);
    if (!c || c.state !== 'running') return { started: false, ready: false };
    if (!this.#isStarted(podUid, name, c.id)) return { started: false, ready: false };
    if (this.readiness.get(c.id) === 'Success') return { started: true, ready: true };
    const worker = this.#workers.get(workerKey(podUid, name, 'readiness'));
    worker?.trigger();
    return { started: true, ready: !worker };
  }

  #isStarted(podUid: string, name: string, containerId: string): boolean {
    const result = this.startup.get(containerId);
    if (result !== undefined) return result === 'Success';
    return !this.#workers.has(workerKey(podUid, name, 'startup'));
  }

  #workersOf(podUid: string): ProbeWorker[] {
    return [...this.#workers.values()].filter((w) => w.podUid === podUid);
  }

  #results(kind: ProbeKind): ResultsManager {
    return kind === 'liveness' ? this.liveness : kind === 'readiness' ? this.readiness : this.startup;
  }

  #probe(kind: ProbeKind, pod: Pod, container: Container, containerId: string, podIP: string): Promise<ProbeVerdict> {
    const { runtime, httpGet, tcpConnect, clock, recorder } = this.#o;
    const ctx: ProbeContext = { pod, container, containerId, podIP, runtime, clock, ...(httpGet ? { httpGet } : {}), ...(tcpConnect ? { tcpConnect } : {}) };
    return probeContainer(kind, ctx, recorder);
  }
}

function workerKey(podUid: string, name: string, kind: ProbeKind): string {
  return `${podUid}\u0000${name}\u0000${kind}`;
}

