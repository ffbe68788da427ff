// The kubelet: one node's agent, wiring the modules into upstream's loops (kubelet.go).
//   - config sources: the API's pods bound to this node (a watch on spec.nodeName) and the static
//     pod manifests, each static pod mirrored into the API;
//   - pod workers: one sync at a time per pod (PodSync), triggered by the sources, the PLEG,
//     probe results, back-off timers and a periodic resync;
//   - housekeeping: pods the runtime holds that no source wants any more are killed and removed
//     (this is also how a restarted kubelet adopts what it ran before — it finds the same
//     containers by their labels and keeps them);
//   - the node agent: registration, status and the Lease (node/).
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson, isApiError, resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client, dropManagedFields, EventRecorder, Informer, keyOf, leasePort, realClock, type Clock, type KubeObject } from '@k8ts/client';
import type { ImageService, RuntimeService } from '@k8ts/cri';
import type { Pod, Service } from 'kubernetes-types/core/v1';
import type { Logger } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CrashLoopBackoff } from './kuberuntime/backoff.ts';
import { parseResolvConf } from './kuberuntime/dns.ts';
import { formatPod } from './kuberuntime/labels.ts';
import type { NodeSandboxSettings } from './kuberuntime/sandbox.ts';
import { machineInfo } from './node/machine.ts';
import { NodeAgent } from './node/agent.ts';
import { nodeApi } from './node/api.ts';
import type { MachineInfo } from './node/types.ts';
import { ProbeManager } from './prober/manager.ts';
import { LABELS } from './status/labels.ts';
import { isTerminalPhase } from './status/phase.ts';
import { ImagePuller } from './pods/images.ts';
import { Pleg } from './pods/pleg.ts';
import { CONFIG_MIRROR, readStaticPods, isMirrorPod, mirrorMatches, mirrorPod } from './pods/static-pods.ts';
import { StatusManager } from './pods/status-manager.ts';
import { PodSync } from './pods/sync.ts';
import { PodWorkers } from './pods/workers.ts';
import type { Mounter } from './volumes/mounter.ts';
import type { KubeletOptions } from './options.ts';

const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;
const SERVICES = resourceFor('', 'v1', 'services') as ResourceInfo;
const CONFIGMAPS = resourceFor('', 'v1', 'configmaps') as ResourceInfo;
const SECRETS = resourceFor('', 'v1', 'secrets') as ResourceInfo;

/** How often the manifest directory is read (upstream fileCheckFrequency is 20 s). */
const STATIC_POD_CHECK_MS = 5_000;

/** The kubelet's settings: its flags (options.ts) less the process's own, plus the port it serves on. */
export type KubeletConfig = Omit<KubeletOptions, 'kubeconfig' | 'address' | 'port' | 'runtimeEndpoint' | 'hollowNodes' | 'logLevel'> & {
  /** The port the kubelet's HTTP server listens on, reported in the Node's daemonEndpoints. */
  kubeletPort: number;
};

export interface KubeletDeps {
  client: Client;
  /**
   * Node status and Lease go through this one (upstream's heartbeat client: not rate limited),
   * so a burst of pod writes can never delay the heartbeat that keeps the node alive. Default: client.
   */
  heartbeatClient?: Client;
  runtime: RuntimeService;
  images: ImageService;
  log: Logger;
  clock?: Clock;
  registry?: Registry;
  /** Hollow nodes: a machine that is not this host, no mounts. */
  machine?: () => Promise<MachineInfo>;
  mounter?: Mounter;
  memoryBackedContent?: boolean;
}

function kubeletMetrics(registry: Registry) {
  return {
    runningPods: new Gauge({ name: 'kubelet_running_pods', help: 'Number of pods that have a running pod sandbox', registers: [registry] }),
    runningContainers: new Gauge({ name: 'kubelet_running_containers', help: 'Number of containers currently running', labelNames: ['container_state'], registers: [registry] }),
    podWorkerDuration: new Histogram({
      name: 'kubelet_pod_worker_duration_seconds', help: 'Duration in seconds to sync a single pod', labelNames: ['operation'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], registers: [registry],
    }),
    podStartDuration: new Histogram({
      name: 'kubelet_pod_start_duration_seconds', help: 'Duration in seconds from the kubelet seeing a pod for the first time to the pod starting to run',
      buckets: [0.5, 1, 2, 3, 4, 5, 6, 8, 10, 20, 30, 45, 60, 120], registers: [registry],
    }),
    plegRelistDuration: new Histogram({
      name: 'kubelet_pleg_relist_duration_seconds', help: 'Duration in seconds for relisting pods in PLEG',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
    }),
    syncErrors: new Counter({ name: 'kubelet_pod_sync_errors_total', help: 'Pod syncs that failed and were retried', registers: [registry] }),
  };
}

export class Kubelet {
  readonly registry: Registry;
  readonly agent: NodeAgent;
  readonly #c: KubeletConfig;
  readonly #d: KubeletDeps & { clock: Clock };
  readonly #pods: Informer<Pod>;
  readonly #services: Informer<Service>;
  readonly #events: EventRecorder;
  readonly #probes: ProbeManager;
  readonly #sync: PodSync;
  readonly #workers: PodWorkers;
  readonly #pleg: Pleg;
  readonly #status: StatusManager;
  readonly #metrics: ReturnType<typeof kubeletMetrics>;
  /** Static pods by uid, as last read from the manifest directory. */
  #static = new Map<string, Pod>();
  /** When each pod not yet Running was first seen, for the start-duration metric. */
  readonly #firstSeen = new Map<string, number>();
  /** Pods whose start was measured (or that were already running when first seen). */
  readonly #started = new Set<string>();
  /** Pods whose next sync re-reads their configMap/secret volumes. */
  readonly #refreshVolumes = new Set<string>();
  #machine: MachineInfo | undefined;
  /** Shared with PodSync; run() adds the host's resolv.conf once it has read it. */
  readonly #sandbox: NodeSandboxSettings;

  constructor(config: KubeletConfig, deps: KubeletDeps) {
    this.#c = config;
    this.#d = { clock: realClock, ...deps };
    const { client, clock, log } = this.#d;
    this.registry = deps.registry ?? new Registry();
    this.#sandbox = { podLogsRoot: config.podLogsDir, cgroupParent: config.cgroupRoot, clusterDNS: config.clusterDNS, clusterDomain: config.clusterDomain };
    this.#metrics = kubeletMetrics(this.registry);
    const onError = (what: string) => (err: unknown) => log.warn({ err: (err as Error).message }, `${what} failed`);
    this.#pods = new Informer<Pod>({
      client, resource: PODS, fieldSelector: `spec.nodeName=${config.nodeName}`, clock, transform: dropManagedFields as (o: KubeObject) => KubeObject, onError: onError('pod watch'),
    });
    this.#services = new Informer<Service>({ client, resource: SERVICES, clock, transform: dropManagedFields as (o: KubeObject) => KubeObject, onError: onError('service watch') });
    this.#events = new EventRecorder({ client, component: 'kubelet', instance: config.nodeName, clock, onError: onError('event') });
    const machine = deps.machine ?? (() => machineInfo({ rootDir: config.rootDir, hostname: config.nodeName, ...(config.nodeIP ? { nodeIP: config.nodeIP } : {}) }));
    this.agent = new NodeAgent({
      nodeName: config.nodeName, api: nodeApi(deps.heartbeatClient ?? client), leases: leasePort(deps.heartbeatClient ?? client), runtime: deps.runtime, images: deps.images,
      machine: async () => (this.#machine = await machine()), clock, kubeletPort: config.kubeletPort, statusUpdateMs: config.nodeStatusUpdateMs,
      labels: config.nodeLabels, maxPods: config.maxPods, ...(config.podCIDR ? { podCIDR: config.podCIDR } : {}),
      onError: (what, err) => log.warn({ err: (err as Error).message }, `node ${what} failed`),
    });
    this.#probes = new ProbeManager({
      runtime: deps.runtime, clock,
      recorder: { event: (pod, type, reason, message) => this.#event(pod, type, reason, message) },
    });
    this.#status = new StatusManager(client, clock);
    this.#sync = new PodSync({
      runtime: deps.runtime, images: deps.images, clock, log, rootDir: config.rootDir,
      sandbox: this.#sandbox,
      hostIPs: () => (this.#machine ? [this.#machine.internalIP] : []),
      allocatable: () => (this.agent.node?.status?.allocatable ?? {}) as Record<string, string>,
      sources: {
        configMap: async (ns, name) => {
          const cm = await this.#getOptional<{ data?: Record<string, string>; binaryData?: Record<string, string> }>(CONFIGMAPS, ns, name);
          if (!cm) return undefined;
          const binaryData: Record<string, Uint8Array> = {};
          for (const [k, v] of Object.entries(cm.binaryData ?? {})) binaryData[k] = Buffer.from(v, 'base64');
          return { data: cm.data ?? {}, binaryData };
        },
        secret: async (ns, name) => {
          const s = await this.#getOptional<{ data?: Record<string, string> }>(SECRETS, ns, name);
          if (!s) return undefined;
          const data: Record<string, Uint8Array> = {};
          for (const [k, v] of Object.entries(s.data ?? {})) data[k] = Buffer.from(v, 'base64');
          return { data };
        },
      },
      services: () => this.#services.lister.list(),
      probes: this.#probes,
      backoff: new CrashLoopBackoff({ clock, initialMs: config.backoffInitialMs, maxMs: config.backoffMaxMs }),
      puller: Object.assign(new ImagePuller(deps.images, clock), {
        onPull: (pod: Pod, image: string) => this.#event(pod, 'Normal', 'Pulling', `Pulling image "${image}"`),
      }),
      events: { event: (pod, type, reason, message) => this.#event(pod, type, reason, message) },
      ...(deps.mounter ? { mounter: deps.mounter } : {}),
      ...(deps.memoryBackedContent !== undefined ? { memoryBackedContent: deps.memoryBackedContent } : {}),
    });
    this.#workers = new PodWorkers((uid) => this.#syncOne(uid), clock, (uid, err) => {
      this.#metrics.syncErrors.inc();
      log.warn({ uid, err: (err as Error).message }, 'pod sync failed; retrying');
    });
    this.#pleg = new Pleg(deps.runtime, clock, (uid) => this.#workers.update(uid));
    for (const results of [this.#probes.liveness, this.#probes.readiness, this.#probes.startup]) {
      results.onUpdate((u) => this.#workers.update(u.podUid));
    }
  }

  /** The pods this kubelet runs: bound API pods (not mirrors) and static pods. */
  pods(): Pod[] {
    return [...this.#pods.lister.list().filter((p) => !isMirrorPod(p)), ...this.#static.values()];
  }

  /** Healthy once the first relist happened and while the PLEG keeps relisting. */
  healthy(): boolean {
    return this.#pleg.healthy().ok;
  }

  async run(signal: AbortSignal): Promise<void> {
    const { log } = this.#d;
    await mkdir(join(this.#c.rootDir, 'pods'), { recursive: true });
    await mkdir(this.#c.podLogsDir, { recursive: true });
    const hostDNS = await readFile('/etc/resolv.conf', 'utf8').then(parseResolvConf, () => undefined);
    if (hostDNS) this.#sandbox.hostDNS = hostDNS;
    this.#machine = await (this.#d.machine ?? (() => machineInfo({ rootDir: this.#c.rootDir, hostname: this.#c.nodeName, ...(this.#c.nodeIP ? { nodeIP: this.#c.nodeIP } : {}) })))();

    const tasks: Promise<unknown>[] = [this.agent.run(signal)];
    // A mirror pod's events concern its static pod: the uid of a static pod is the mirror's config hash.
    const workerOf = (p: Pod) => (isMirrorPod(p) ? (p.metadata?.annotations?.[CONFIG_MIRROR] ?? '') : (p.metadata?.uid ?? ''));
    this.#pods.addEventHandler({
      onAdd: (p) => this.#workers.update(workerOf(p)),
      // As upstream's pod config: a change of status alone (this kubelet's own writes, mostly) is no reason to sync.
      onUpdate: (o, p) => {
        if (!onlyStatusChanged(o, p)) this.#workers.update(workerOf(p));
      },
      onDelete: (p) => {
        const pod = 'obj' in p ? p.obj : p;
        this.#workers.update(workerOf(pod));
        if (isMirrorPod(pod)) void this.#syncMirrorPods(this.#static).catch(() => undefined);
      },
    });
    tasks.push(this.#pods.start(signal), this.#services.start(signal));
    await Promise.race([Promise.all([this.#pods.waitForSync(signal), this.#services.waitForSync(signal)]), abortPromise(signal)]);
    if (signal.aborted) return void (await Promise.allSettled(tasks));
    log.info({ pods: this.#pods.lister.list().length }, 'pods listed; starting pod workers');

    if (this.#c.staticPodPath) tasks.push(this.#loop(signal, STATIC_POD_CHECK_MS, () => this.#readStaticPods()));
    tasks.push(this.#pleg.run(this.#c.relistMs, signal, (err) => log.warn({ err: (err as Error).message }, 'PLEG relist failed'), (uids) => this.#housekeeping(uids)));
    tasks.push(this.#loop(signal, this.#c.syncMs, async () => {
      for (const p of this.pods()) {
        this.#refreshVolumes.add(p.metadata?.uid ?? '');
        this.#workers.update(p.metadata?.uid ?? '');
      }
    }));
    await Promise.allSettled(tasks);
    this.#probes.stop();
    await this.#workers.stop();
    await this.#events.flush().catch(() => undefined);
  }

  /** Where a pod's sync result goes: status to the API (to its mirror for a static pod), final delete. */
  async #syncOne(uid: string): Promise<number | undefined> {
    const started = this.#d.clock.now().getTime();
    const pod = this.#podByUid(uid);
    if (!pod) {
      if (this.#sync.knows(uid) || (await this.#runtimeHas(uid))) await this.#sync.cleanup(uid);
      this.#status.forget(uid);
      this.#firstSeen.delete(uid);
      this.#started.delete(uid);
      this.#workers.forget(uid);
      this.#metrics.podWorkerDuration.observe({ operation: 'cleanup' }, (this.#d.clock.now().getTime() - started) / 1000);
      return undefined;
    }
    if (!this.#firstSeen.has(uid) && !this.#started.has(uid)) this.#firstSeen.set(uid, started);
    // configMap/secret volume content is re-read on the periodic resync only, as upstream's sync loop does.
    const refreshVolumes = this.#refreshVolumes.delete(uid);
    const result = await this.#sync.sync(pod, { refreshVolumes });
    const apiPod = this.#apiPodFor(pod);
    if (apiPod) {
      const terminating = !!pod.metadata?.deletionTimestamp;
      await this.#status.set(apiPod, result.status, { couldHaveRunningContainers: !result.stopped });
      if (terminating && result.stopped && !this.#isStatic(pod)) await this.#status.delete(apiPod);
    }
    const firstSeen = this.#firstSeen.get(uid);
    if (result.status.phase === 'Running' && firstSeen !== undefined) {
      this.#metrics.podStartDuration.observe((this.#d.clock.now().getTime() - firstSeen) / 1000);
      this.#firstSeen.delete(uid);
      this.#started.add(uid);
    }
    this.#metrics.podWorkerDuration.observe({ operation: 'sync' }, (this.#d.clock.now().getTime() - started) / 1000);
    // A terminating pod whose containers still run is looked at again soon (the stop may still be under way).
    if (pod.metadata?.deletionTimestamp && !result.stopped) return 1_000;
    if (isTerminalPhase(result.status.phase) && !result.stopped) return 1_000;
    return result.requeueAfterMs;
  }

  #podByUid(uid: string): Pod | undefined {
    return this.#static.get(uid) ?? this.#pods.lister.list().find((p) => p.metadata?.uid === uid && !isMirrorPod(p));
  }

  #isStatic(pod: Pod): boolean {
    return this.#static.has(pod.metadata?.uid ?? '');
  }

  /** The API object that shows `pod`'s status: itself, or a static pod's mirror. */
  #apiPodFor(pod: Pod): Pod | undefined {
    if (!this.#isStatic(pod)) return this.#pods.lister.get(keyOf(pod.metadata?.namespace, pod.metadata?.name ?? '')) ?? undefined;
    const mirror = this.#pods.lister.get(keyOf(pod.metadata?.namespace, pod.metadata?.name ?? ''));
    return mirror && mirrorMatches(mirror, pod) ? mirror : undefined;
  }

  async #runtimeHas(uid: string): Promise<boolean> {
    const selector = { label_selector: { [LABELS.podUid]: uid } };
    return (await this.#d.runtime.listPodSandbox(selector)).length > 0;
  }

  /** Pods the runtime holds that no source wants: their workers clean them up (HandlePodCleanups). */
  #housekeeping(runtimeUids: Set<string>): void {
    const wanted = new Set(this.pods().map((p) => p.metadata?.uid ?? ''));
    for (const uid of runtimeUids) if (!wanted.has(uid)) this.#workers.update(uid);
    this.#metrics.runningPods.set(runtimeUids.size);
    // Upstream's label values: running, exited, created, unknown.
    this.#metrics.runningContainers.reset();
    for (const [state, n] of Object.entries(this.#pleg.containerStates)) {
      this.#metrics.runningContainers.set({ container_state: state.replace(/^CONTAINER_/, '').toLowerCase() }, n);
    }
  }

  async #readStaticPods(): Promise<void> {
    const dir = this.#c.staticPodPath;
    if (!dir) return;
    const files = await readStaticPods(dir, this.#c.nodeName);
    const next = new Map<string, Pod>();
    for (const f of files) {
      if (f.pod) next.set(f.pod.metadata?.uid ?? '', f.pod);
      else this.#d.log.warn({ file: f.file, err: f.error }, 'static pod manifest ignored');
    }
    const before = this.#static;
    this.#static = next;
    for (const uid of new Set([...before.keys(), ...next.keys()])) if (before.has(uid) !== next.has(uid)) this.#workers.update(uid);
    await this.#syncMirrorPods(before);
  }

  /** Each static pod has exactly one current mirror; a mirror whose static pod is gone is deleted. */
  async #syncMirrorPods(before: Map<string, Pod>): Promise<void> {
    const node = this.agent.node;
    if (!node?.metadata?.uid) return;
    const { client } = this.#d;
    for (const pod of this.#static.values()) {
      const ns = pod.metadata?.namespace ?? 'default';
      const current = this.#pods.lister.get(keyOf(ns, pod.metadata?.name ?? ''));
      if (current && mirrorMatches(current, pod)) continue;
      if (current && !isMirrorPod(current)) {
        this.#d.log.warn({ pod: formatPod(pod) }, 'a pod that is not a mirror has the static pod\'s name; no mirror is made');
        continue;
      }
      try {
        // An outdated or terminating mirror goes at once (a mirror has nothing to stop), then the current one is made.
        if (current) {
          await client.delete(PODS, current.metadata?.name ?? '', { namespace: ns, gracePeriodSeconds: 0, preconditions: { uid: current.metadata?.uid ?? '' } });
        }
        await client.create(PODS, mirrorPod(pod, node), { namespace: ns });
        this.#d.log.info({ pod: formatPod(pod) }, 'mirror pod created');
      } catch (err) {
        if (!isApiError(err, 'AlreadyExists')) this.#d.log.warn({ pod: formatPod(pod), err: (err as Error).message }, 'mirror pod failed');
      }
    }
    for (const [uid, pod] of before) {
      if (this.#static.has(uid)) continue;
      const mirror = this.#pods.lister.get(keyOf(pod.metadata?.namespace, pod.metadata?.name ?? ''));
      if (!mirror || !isMirrorPod(mirror) || this.#static.has(mirror.metadata?.annotations?.[CONFIG_MIRROR] ?? '')) continue;
      await client.delete(PODS, mirror.metadata?.name ?? '', { namespace: mirror.metadata?.namespace ?? '', gracePeriodSeconds: 0 }).catch(() => undefined);
    }
  }

  #event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void {
    // A static pod's events are recorded against its mirror, as upstream does with the pod reference.
    const target = this.#isStatic(pod) ? (this.#apiPodFor(pod) ?? pod) : pod;
    this.#events.event({ apiVersion: 'v1', kind: 'Pod', metadata: target.metadata ?? {} } as KubeObject, type, reason, message);
  }

  async #getOptional<T>(r: ResourceInfo, ns: string, name: string): Promise<T | undefined> {
    try {
      return await this.#d.client.get<T>(r, name, ns);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  }

  async #loop(signal: AbortSignal, periodMs: number, step: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      await step().catch((err) => this.#d.log.warn({ err: (err as Error).message }, 'periodic step failed'));
      await this.#d.clock.sleep(periodMs, signal).catch(() => undefined);
    }
  }
}

/** Whether two versions of a pod differ in status (and bookkeeping metadata) only. */
export function onlyStatusChanged(a: Pod, b: Pod): boolean {
  const { resourceVersion: _ra, managedFields: _ma, ...metaA } = a.metadata ?? {};
  const { resourceVersion: _rb, managedFields: _mb, ...metaB } = b.metadata ?? {};
  return canonicalJson(metaA) === canonicalJson(metaB) && canonicalJson(a.spec ?? {}) === canonicalJson(b.spec ?? {});
}

const abortPromise = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

