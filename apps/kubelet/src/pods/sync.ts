// One pod's sync, as upstream's syncPod / SyncPod (kubelet.go, kuberuntime_manager.go), and its
// termination and clean-up (syncTerminatingPod, syncTerminatedPod, HandlePodCleanups). The pod
// worker calls exactly one of these at a time per pod. Each step reads what the runtime holds,
// decides with the pure modules (computePodActions, CrashLoopBackoff, computePodStatus) and acts
// through the CRI; every outcome a user should see becomes an event or a waiting reason.
//
//   sync(pod):
//     1. a pod being deleted, past its activeDeadlineSeconds, or already terminal is terminated instead;
//     2. its volumes are set up (once; the periodic resync refreshes API content);
//     3. computePodActions says what to kill and what to start;
//     4. kill: the whole pod (sandbox changed or the pod is done) or single containers (probe
//        failures, changed definitions);
//     5. a new sandbox is run when needed;
//     6. the next init container, or the containers to start, are started — each passing the
//        CrashLoopBackOff check, the image check, its config, create, start and postStart;
//     7. exited attempts beyond the newest are removed (upstream's container GC);
//     8. the status is computed from what the runtime holds now.
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Clock } from '@k8ts/client';
import { isCriError, type ContainerStatus, type ImageService, type Mount, type PodSandboxConfig, type RuntimeService } from '@k8ts/cri';
import type { Logger } from 'pino';
import type { Container, Pod, PodStatus, Service } from 'kubernetes-types/core/v1';
import { computePodActions, nameOf, newestFirst, type RuntimePodStatus } from '../kuberuntime/actions.ts';
import type { CrashLoopBackoff } from '../kuberuntime/backoff.ts';
import { containerConfig } from '../kuberuntime/container.ts';
import { CreateContainerConfigError, type EnvSources } from '../kuberuntime/env.ts';
import type { Allocatable } from '../kuberuntime/fieldpath.ts';
import { formatPod } from '../kuberuntime/labels.ts';
import { sandboxConfig, type NodeSandboxSettings } from '../kuberuntime/sandbox.ts';
import { probeKill, MINIMUM_GRACE_PERIOD_SECONDS } from '../prober/kill.ts';
import type { ProbeManager } from '../prober/manager.ts';
import { computePodStatus } from '../status/compute.ts';
import { ANNOTATIONS, restartCountOf } from '../status/labels.ts';
import { isTerminalPhase } from '../status/phase.ts';
import { WAITING } from '../status/reasons.ts';
import type { WaitingReason } from '../status/types.ts';
import { setUpPodVolumes, tearDownPodVolumes, refreshPodVolumes } from '../volumes/manager.ts';
import type { Mounter } from '../volumes/mounter.ts';
import { mountsFor } from '../volumes/mounts.ts';
import type { VolumePaths, VolumeSources } from '../volumes/types.ts';
import { runHook } from './hooks.ts';
import type { ImagePuller } from './images.ts';
import { readPodRuntime } from './runtime-view.ts';

export interface PodEventSink {
  event(pod: Pod, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface PodSyncDeps {
  runtime: RuntimeService;
  images: ImageService;
  clock: Clock;
  log: Logger;
  /** `<root>/pods/<uid>` holds a pod's volumes, /etc/hosts and termination-message files. */
  rootDir: string;
  sandbox: NodeSandboxSettings;
  hostIPs(): readonly string[];
  allocatable(): Allocatable;
  sources: EnvSources & VolumeSources;
  services(): readonly Service[];
  probes: ProbeManager;
  backoff: CrashLoopBackoff;
  puller: ImagePuller;
  events: PodEventSink;
  mounter?: Mounter;
  /** False on hollow nodes: secrets and configMaps stay on disk, nothing is mounted. */
  memoryBackedContent?: boolean;
}

export interface SyncResult {
  status: PodStatus;
  /** No container of the pod runs any more (a terminating pod may now be deleted). */
  stopped: boolean;
  /** Sync again after this long even without an event (a back-off expires). */
  requeueAfterMs?: number;
}

interface PodState {
  waiting: Map<string, WaitingReason>;
  volumes?: VolumePaths;
  terminationMessages: Map<string, string>;
  lastStatus?: PodStatus;
  /** Set when the kubelet itself ended the pod (activeDeadlineSeconds). */
  terminal?: { reason: string; message: string };
  killing?: Promise<void>;
}

const DEADLINE_MESSAGE = 'Pod was active on the node longer than the specified deadline';
const MAX_TERMINATION_MESSAGE_BYTES = 4096;
const FALLBACK_LOG_BYTES = 2048;
const FALLBACK_LOG_LINES = 80;

const running = (rt: RuntimePodStatus) => rt.containers.filter((c) => c.state === 'CONTAINER_RUNNING');
const readySandboxes = (rt: RuntimePodStatus) => rt.sandboxes.filter((s) => s.state === 'SANDBOX_READY');

/** The grace period a pod gets when it is deleted (upstream: deletion grace, else the spec's, else 30 s). */
export function podGracePeriod(pod: Pod): number {
  const g = pod.metadata?.deletionGracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
  return Math.max(g, MINIMUM_GRACE_PERIOD_SECONDS);
}

export class PodSync {
  readonly #states = new Map<string, PodState>();

  constructor(private readonly d: PodSyncDeps) {}

  podDir(uid: string): string {
    return join(this.d.rootDir, 'pods', uid);
  }

  #state(uid: string): PodState {
    let s = this.#states.get(uid);
    if (!s) this.#states.set(uid, (s = { waiting: new Map(), terminationMessages: new Map() }));
    return s;
  }

  async sync(pod: Pod, o: { refreshVolumes?: boolean } = {}): Promise<SyncResult> {
    const uid = pod.metadata?.uid ?? '';
    const state = this.#state(uid);

    // 1. Deleted, timed out or finished: terminate instead of starting anything.
    if (!state.terminal && this.#deadlineExceeded(pod)) {
      state.terminal = { reason: 'DeadlineExceeded', message: DEADLINE_MESSAGE };
      this.d.events.event(pod, 'Normal', 'DeadlineExceeded', DEADLINE_MESSAGE);
    }
    if (pod.metadata?.deletionTimestamp || state.terminal || isTerminalPhase(pod.status?.phase)) {
      return this.terminate(pod);
    }
    this.d.probes.addPod(pod);

    // 2. Volumes.
    if (!state.volumes) {
      const res = await setUpPodVolumes(pod, this.#volumeOptions(uid));
      for (const f of res.failures) this.d.events.event(pod, 'Warning', 'FailedMount', f.message);
      if (res.failures.length > 0) return this.#result(pod, await readPodRuntime(this.d.runtime, uid), { requeueAfterMs: 2_000 });
      state.volumes = res.paths;
    } else if (o.refreshVolumes) {
      const res = await refreshPodVolumes(pod, this.#volumeOptions(uid));
      for (const f of res.failures) this.d.events.event(pod, 'Warning', 'FailedMount', f.message);
    }

    // 3. What to do. The prober learns the containers the runtime holds (after a kubelet
    //    restart, the ones it adopted).
    let rt = await readPodRuntime(this.d.runtime, uid);
    this.#tellProber(uid, rt);
    const actions = computePodActions(pod, rt, this.#probeFailures(rt));

    // 4. Kill.
    if (actions.killPod) {
      if (actions.createSandbox && rt.sandboxes.length > 0) {
        this.d.events.event(pod, 'Normal', 'SandboxChanged', 'Pod sandbox changed, it will be killed and re-created.');
      }
      await this.#killPod(pod, rt, podGracePeriod(pod));
      if (!actions.createSandbox) return this.#result(pod, await readPodRuntime(this.d.runtime, uid));
    }
    for (const k of actions.containersToKill) {
      const status = rt.containers.find((c) => c.id === k.id);
      const container = this.#specOf(pod, k.name);
      if (!status) continue;
      const grace = container && (k.reason === 'LivenessProbe' || k.reason === 'StartupProbe')
        ? probeKill(pod, container, k.reason === 'LivenessProbe' ? 'liveness' : 'startup').gracePeriodSeconds
        : podGracePeriod(pod);
      await this.#killContainer(pod, status, grace, k.message);
    }

    // 5. Sandbox.
    let sandboxId = actions.sandboxId;
    const config = sandboxConfig(pod, this.d.sandbox, actions.attempt);
    if (actions.createSandbox) {
      state.waiting.clear();
      try {
        await this.#writeEtcHosts(pod);
        sandboxId = await this.d.runtime.runPodSandbox(config);
      } catch (err) {
        // Upstream prints the gRPC error whole: "rpc error: code = … desc = …".
        const message = `Failed to create pod sandbox: ${isCriError(err) ? err.toString() : (err as Error).message}`;
        this.d.events.event(pod, 'Warning', 'FailedCreatePodSandBox', message);
        this.d.log.warn({ pod: formatPod(pod), err: (err as Error).message }, 'sandbox failed');
        return this.#result(pod, await readPodRuntime(this.d.runtime, uid), { requeueAfterMs: 2_000 });
      }
    }
    // A sandbox kept from before was read with the pod's runtime state; only a new one is asked for.
    const sandbox = (!actions.createSandbox && rt.sandboxes.find((s) => s.id === sandboxId)) || (await this.d.runtime.podSandboxStatus(sandboxId)).status;
    // A pod's first start: nothing but this sandbox and the containers started below exists.
    const firstStart = actions.createSandbox && rt.sandboxes.length === 0 && rt.containers.length === 0;
    const podIPs = sandbox?.network?.ip ? [sandbox.network.ip, ...sandbox.network.additional_ips.map((a) => a.ip)] : [];
    if (podIPs[0]) this.d.probes.setPodIP(uid, podIPs[0]);
    else if (pod.spec?.hostNetwork) this.d.probes.setPodIP(uid, this.d.hostIPs()[0] ?? '');

    // 6. Start what should run.
    let requeueAfterMs: number | undefined;
    const created: string[] = [];
    const start = async (container: Container) => {
      const wait = await this.#startContainer(pod, container, rt, sandboxId, config, podIPs, created);
      if (wait !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, wait);
    };
    if (actions.nextInitContainerToStart !== null) {
      const init = pod.spec?.initContainers?.[actions.nextInitContainerToStart];
      if (init) await start(init);
    } else {
      for (const i of actions.containersToStart) {
        const c = pod.spec?.containers?.[i];
        if (c) await start(c);
      }
    }

    // 7. Container GC within the pod, then 8. status. On a first start only the new containers
    //    need reading (the sandbox's status is fresh); otherwise the whole pod is read again.
    if (firstStart && sandbox) {
      const statuses = await Promise.all(created.map((id) => this.d.runtime.containerStatus(id).then((r) => r.status)));
      rt = { sandboxes: [sandbox], containers: statuses.filter((c): c is ContainerStatus => !!c) };
    } else {
      rt = await readPodRuntime(this.d.runtime, uid);
      rt = await this.#removeOldAttempts(rt);
    }
    // A pod with activeDeadlineSeconds is looked at again when its deadline comes.
    const untilDeadline = this.#untilDeadlineMs(pod);
    if (untilDeadline !== undefined) requeueAfterMs = Math.min(requeueAfterMs ?? Infinity, untilDeadline);
    return this.#result(pod, rt, requeueAfterMs === undefined ? {} : { requeueAfterMs });
  }

  /** Stops every container and sandbox of a pod that is being deleted or has finished. */
  async terminate(pod: Pod): Promise<SyncResult> {
    const uid = pod.metadata?.uid ?? '';
    this.d.probes.stopLivenessAndStartup(uid);
    let rt = await readPodRuntime(this.d.runtime, uid);
    if (running(rt).length > 0 || readySandboxes(rt).length > 0) {
      await this.#killPod(pod, rt, podGracePeriod(pod));
      rt = await readPodRuntime(this.d.runtime, uid);
    }
    return this.#result(pod, rt, { terminal: true });
  }

  /**
   * The pod is gone from the API (or was never ours): kill what is left — quickly, its grace
   * was spent while it terminated — remove its sandboxes, volumes and directory, forget it.
   */
  async cleanup(uid: string, pod?: Pod): Promise<void> {
    const rt = await readPodRuntime(this.d.runtime, uid);
    const stub: Pod = pod ?? { metadata: { uid, name: rt.sandboxes[0]?.metadata?.name ?? '', namespace: rt.sandboxes[0]?.metadata?.namespace ?? '' } };
    await this.#killPod(stub, rt, MINIMUM_GRACE_PERIOD_SECONDS, false);
    for (const s of rt.sandboxes) await this.d.runtime.removePodSandbox(s.id);
    // Containers of a sandbox that is already gone.
    for (const c of rt.containers) await this.d.runtime.removeContainer(c.id).catch(() => undefined);
    const dir = this.podDir(uid);
    // A volume still mounted makes tear-down throw, so nothing under a mount is ever rm'd.
    await tearDownPodVolumes(stub, dir, this.d.mounter);
    await rm(dir, { recursive: true, force: true });
    this.d.probes.removePod(uid);
    this.d.puller.forgetPod(uid);
    this.#states.delete(uid);
  }

  knows(uid: string): boolean {
    return this.#states.has(uid);
  }

  #volumeOptions(uid: string) {
    return {
      podDir: this.podDir(uid),
      sources: this.d.sources,
      now: () => this.d.clock.now(),
      ...(this.d.mounter ? { mounter: this.d.mounter } : {}),
      nodeAllocatable: this.d.allocatable() as Record<string, string>,
      memoryBackedContent: this.d.memoryBackedContent ?? true,
    };
  }

  #tellProber(uid: string, rt: RuntimePodStatus): void {
    const seen = new Set<string>();
    for (const c of newestFirst(rt.containers)) {
      const name = nameOf(c);
      if (seen.has(name)) continue;
      seen.add(name);
      const state = c.state === 'CONTAINER_RUNNING' ? 'running' : c.state === 'CONTAINER_EXITED' ? 'terminated' : 'waiting';
      const startedAt = BigInt(c.started_at || '0');
      this.d.probes.updateContainer(uid, name, { id: c.id, state, ...(startedAt > 0n ? { startedAt: new Date(Number(startedAt / 1_000_000n)) } : {}) });
    }
  }

  #deadlineExceeded(pod: Pod): boolean {
    return this.#untilDeadlineMs(pod) === 0;
  }

  /** Time left before activeDeadlineSeconds (counted from startTime); undefined without a deadline. */
  #untilDeadlineMs(pod: Pod): number | undefined {
    const deadline = pod.spec?.activeDeadlineSeconds;
    const start = pod.status?.startTime ?? this.#state(pod.metadata?.uid ?? '').lastStatus?.startTime;
    if (deadline === undefined || !start) return undefined;
    return Math.max(0, Date.parse(start) + deadline * 1000 - this.d.clock.now().getTime());
  }

  #specOf(pod: Pod, name: string): Container | undefined {
    return [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === name);
  }

  #probeFailures(rt: RuntimePodStatus) {
    const livenessFailed = new Set<string>();
    const startupFailed = new Set<string>();
    for (const c of running(rt)) {
      if (this.d.probes.liveness.get(c.id) === 'Failure') livenessFailed.add(nameOf(c));
      if (this.d.probes.startup.get(c.id) === 'Failure') startupFailed.add(nameOf(c));
    }
    return { livenessFailed, startupFailed };
  }

  /**
   * Starts one container; returns how long until it is worth trying again when it could not
   * start (back-off), undefined otherwise. Every failure is recorded as the container's
   * waiting reason and an event.
   */
  async #startContainer(
    pod: Pod, container: Container, rt: RuntimePodStatus, sandboxId: string, sandbox: PodSandboxConfig, podIPs: string[], created: string[],
  ): Promise<number | undefined> {
    const uid = pod.metadata?.uid ?? '';
    const state = this.#state(uid);
    const wait = (reason: string, message: string) => state.waiting.set(container.name, { reason, message });

    const backoff = this.d.backoff.check(pod, container, rt.containers);
    if (backoff.inBackoff) {
      wait(WAITING.crashLoopBackOff, backoff.message);
      this.d.events.event(pod, 'Warning', 'BackOff', `Back-off restarting failed container ${container.name} in pod ${formatPod(pod)}`);
      return 1_000;
    }

    const image = await this.d.puller.ensure(pod, container);
    if (image.event) this.d.events.event(pod, image.event.type, image.event.reason, image.event.message);
    if (!image.ok) {
      wait(image.reason, image.message);
      // Every failed image step, back-off included, as upstream's startContainer reports it.
      this.d.events.event(pod, 'Warning', 'Failed', `Error: ${image.reason}`);
      return image.retryAfterMs ?? 10_000;
    }

    const previous = newestFirst(rt.containers.filter((c) => nameOf(c) === container.name))[0];
    const restartCount = previous ? restartCountOf(previous.annotations) + 1 : 0;
    const hostIPs = this.d.hostIPs();
    let config;
    try {
      const mounts: Mount[] = [
        ...(await mountsFor(container, state.volumes ?? new Map())),
        ...(await this.#kubeletMounts(pod, container)),
      ];
      const result = await containerConfig(pod, container, {
        restartCount, podIP: podIPs[0] ?? (pod.spec?.hostNetwork ? (hostIPs[0] ?? '') : ''), podIPs: pod.spec?.hostNetwork && podIPs.length === 0 ? hostIPs : podIPs,
        hostIP: hostIPs[0] ?? '', hostIPs, lookup: this.d.sources, services: this.d.services(), mounts,
        imageRef: image.imageRef, allocatable: this.d.allocatable(), kubeletRoot: this.d.rootDir,
      });
      for (const w of result.warnings) this.d.events.event(pod, 'Warning', 'InvalidEnvironmentVariableNames', w);
      config = result.config;
    } catch (err) {
      const message = (err as Error).message;
      // Unresolvable env references, runAsNonRoot, or a volume mount that cannot be made.
      wait(err instanceof CreateContainerConfigError ? err.reason : WAITING.createContainerConfigError, message);
      this.d.events.event(pod, 'Warning', 'Failed', `Error: ${message}`);
      return 2_000;
    }

    let id: string;
    try {
      id = await this.d.runtime.createContainer(sandboxId, config, sandbox);
      created.push(id);
    } catch (err) {
      wait(WAITING.createContainerError, (err as Error).message);
      this.d.events.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return 2_000;
    }
    this.d.events.event(pod, 'Normal', 'Created', `Created container ${container.name}`);
    try {
      await this.d.runtime.startContainer(id);
    } catch (err) {
      wait(WAITING.runContainerError, (err as Error).message);
      this.d.events.event(pod, 'Warning', 'Failed', `Error: ${(err as Error).message}`);
      return 2_000;
    }
    this.d.events.event(pod, 'Normal', 'Started', `Started container ${container.name}`);
    state.waiting.delete(container.name);
    this.d.probes.updateContainer(uid, container.name, { id, state: 'running' });

    const postStart = container.lifecycle?.postStart;
    if (postStart) {
      const hook = await runHook(postStart, pod, container, id, podIPs[0] ?? hostIPs[0] ?? '', podGracePeriod(pod), this.d.runtime, this.d.clock);
      if (!hook.ok) {
        // As upstream: the event does not carry the hook's output (it may hold secrets); the waiting message does.
        this.d.events.event(pod, 'Warning', 'FailedPostStartHook', 'PostStartHook failed');
        wait(WAITING.postStartHookError, hook.message);
        await this.d.runtime.stopContainer(id, podGracePeriod(pod)).catch(() => undefined);
      }
    }
    return undefined;
  }

  /** /etc/hosts (pod-network pods) and the termination-message file, as the kubelet mounts them. */
  async #kubeletMounts(pod: Pod, container: Container): Promise<Mount[]> {
    const dir = this.podDir(pod.metadata?.uid ?? '');
    const mounts: Mount[] = [];
    const mount = (container_path: string, host_path: string): Mount => ({
      container_path, host_path, readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE', recursive_read_only: false,
    });
    const declared = new Set((container.volumeMounts ?? []).map((m) => m.mountPath));
    if (!pod.spec?.hostNetwork && !declared.has('/etc/hosts')) mounts.push(mount('/etc/hosts', join(dir, 'etc-hosts')));
    const messagePath = container.terminationMessagePath || '/dev/termination-log';
    if (!declared.has(messagePath)) {
      const file = join(dir, 'containers', container.name, randomBytes(4).toString('hex'));
      await mkdir(join(dir, 'containers', container.name), { recursive: true });
      await writeFile(file, '', { mode: 0o666 });
      mounts.push(mount(messagePath, file));
    }
    return mounts;
  }

  /** The kubelet-managed hosts file: localhost entries, the pod's own name, hostAliases. */
  async #writeEtcHosts(pod: Pod): Promise<void> {
    if (pod.spec?.hostNetwork) return;
    const dir = this.podDir(pod.metadata?.uid ?? '');
    await mkdir(dir, { recursive: true });
    const lines = [
      '# Kubernetes-managed hosts file.',
      '127.0.0.1\tlocalhost',
      '::1\tlocalhost ip6-localhost ip6-loopback',
      'fe00::0\tip6-localnet',
      'fe00::0\tip6-mcastprefix',
      'fe00::1\tip6-allnodes',
      'fe00::2\tip6-allrouters',
    ];
    for (const alias of pod.spec?.hostAliases ?? []) if (alias.ip) lines.push(`${alias.ip}\t${(alias.hostnames ?? []).join('\t')}`);
    await writeFile(join(dir, 'etc-hosts'), `${lines.join('\n')}\n`);
  }

  /** Adds the pod IP line once the sandbox has one (the file is bind-mounted, so rewrite in place). */
  async #addPodIPToEtcHosts(pod: Pod, ip: string): Promise<void> {
    const file = join(this.podDir(pod.metadata?.uid ?? ''), 'etc-hosts');
    const content = await readFile(file, 'utf8').catch(() => '');
    const host = pod.spec?.hostname || pod.metadata?.name || '';
    const fqdn = pod.spec?.subdomain ? `${host}.${pod.spec.subdomain}.${pod.metadata?.namespace}.svc.${this.d.sandbox.clusterDomain}\t` : '';
    const line = `${ip}\t${fqdn}${host}`;
    if (!content || content.includes(`\n${line}\n`)) return;
    await writeFile(file, `${content}${line}\n`);
  }

  /**
   * Stops every running container (preStop first, then SIGTERM, SIGKILL after the grace
   * period), then the pod's sandboxes. Concurrent calls share one kill.
   */
  async #killPod(pod: Pod, rt: RuntimePodStatus, graceSeconds: number, announce = true): Promise<void> {
    const state = this.#state(pod.metadata?.uid ?? '');
    if (state.killing) return state.killing;
    state.killing = (async () => {
      await Promise.all(running(rt).map((c) => this.#killContainer(pod, c, graceSeconds, announce ? `Stopping container ${nameOf(c)}` : '')));
      for (const s of readySandboxes(rt)) await this.d.runtime.stopPodSandbox(s.id);
    })().finally(() => {
      state.killing = undefined;
    });
    return state.killing;
  }

  async #killContainer(pod: Pod, c: ContainerStatus, graceSeconds: number, message: string): Promise<void> {
    const name = nameOf(c);
    if (message) this.d.events.event(pod, 'Normal', 'Killing', message);
    const started = this.d.clock.now().getTime();
    let grace = graceSeconds;
    const spec = this.#specOf(pod, name);
    const preStop = spec?.lifecycle?.preStop ?? parseHandler(c.annotations?.[ANNOTATIONS.preStopHandler]);
    if (preStop && c.state === 'CONTAINER_RUNNING') {
      const hook = await runHook(preStop, pod, spec ?? { name }, c.id, pod.status?.podIP ?? '', grace, this.d.runtime, this.d.clock);
      if (!hook.ok) {
        this.d.log.warn({ pod: formatPod(pod), container: name, err: hook.message }, 'preStop hook failed');
        this.d.events.event(pod, 'Warning', 'FailedPreStopHook', 'PreStopHook failed');
      }
      const spent = Math.floor((this.d.clock.now().getTime() - started) / 1000);
      grace = Math.max(grace - spent, MINIMUM_GRACE_PERIOD_SECONDS);
    }
    await this.d.runtime.stopContainer(c.id, grace);
    this.d.probes.updateContainer(pod.metadata?.uid ?? '', name, { id: c.id, state: 'terminated' });
  }

  /** Keeps, per container name, the running attempt and the newest exited one (for `logs --previous`). */
  async #removeOldAttempts(rt: RuntimePodStatus): Promise<RuntimePodStatus> {
    const seen = new Set<string>();
    const removed = new Set<string>();
    for (const c of newestFirst(rt.containers)) {
      if (c.state === 'CONTAINER_RUNNING') continue;
      const name = nameOf(c);
      if (!seen.has(name)) {
        seen.add(name);
        continue;
      }
      await this.d.runtime.removeContainer(c.id).catch(() => undefined);
      removed.add(c.id);
    }
    for (const s of newestFirst(rt.sandboxes).slice(1)) {
      if (s.state === 'SANDBOX_READY') continue;
      await this.d.runtime.removePodSandbox(s.id).catch(() => undefined);
    }
    return removed.size === 0 ? rt : { sandboxes: rt.sandboxes, containers: rt.containers.filter((c) => !removed.has(c.id)) };
  }

  async #terminationMessages(pod: Pod, rt: RuntimePodStatus): Promise<Map<string, string>> {
    const state = this.#state(pod.metadata?.uid ?? '');
    for (const c of rt.containers) {
      if (c.state !== 'CONTAINER_EXITED' || state.terminationMessages.has(c.id)) continue;
      const path = c.annotations?.[ANNOTATIONS.terminationMessagePath] || '/dev/termination-log';
      const mount = c.mounts.find((m) => m.container_path === path);
      let message = '';
      if (mount) message = (await readFile(mount.host_path).catch(() => Buffer.alloc(0))).subarray(0, MAX_TERMINATION_MESSAGE_BYTES).toString('utf8');
      const fallback = c.annotations?.[ANNOTATIONS.terminationMessagePolicy] === 'FallbackToLogsOnError';
      if (!message && fallback && c.exit_code !== 0 && c.log_path) message = await logTail(c.log_path);
      state.terminationMessages.set(c.id, message);
    }
    return state.terminationMessages;
  }

  async #result(pod: Pod, rt: RuntimePodStatus, o: { terminal?: boolean; requeueAfterMs?: number } = {}): Promise<SyncResult> {
    const uid = pod.metadata?.uid ?? '';
    const state = this.#state(uid);
    const status = computePodStatus({
      pod, sandboxes: rt.sandboxes, containers: rt.containers, waitingReasons: state.waiting,
      readiness: this.d.probes.readiness, startup: this.d.probes.startup,
      terminationMessages: await this.#terminationMessages(pod, rt),
      ...(state.lastStatus ? { previous: state.lastStatus } : {}),
      hostIPs: this.d.hostIPs(), podIsTerminal: o.terminal === true || !!state.terminal, now: this.d.clock.now(),
    });
    if (state.terminal) {
      status.phase = 'Failed';
      status.reason = state.terminal.reason;
      status.message = state.terminal.message;
    }
    state.lastStatus = status;
    // Upstream's UpdatePodStatus: a running container not yet ready has its readiness probe run
    // now, not at the worker's next tick, so Ready follows Running without waiting a period.
    for (const c of status.containerStatuses ?? []) if (c.state?.running && !c.ready) this.d.probes.containerStatus(uid, c.name);
    if (status.podIP && !pod.spec?.hostNetwork) await this.#addPodIPToEtcHosts(pod, status.podIP);
    const stopped = running(rt).length === 0 && readySandboxes(rt).length === 0;
    return { status, stopped, ...(o.requeueAfterMs !== undefined ? { requeueAfterMs: o.requeueAfterMs } : {}) };
  }
}

function parseHandler(json: string | undefined) {
  if (!json) return undefined;
  try {
    return JSON.parse(json) as NonNullable<NonNullable<Container['lifecycle']>['preStop']>;
  } catch {
    return undefined;
  }
}

/** The last lines of a CRI log file as text (FallbackToLogsOnError). */
async function logTail(path: string): Promise<string> {
  const raw = await readFile(path, 'utf8').catch(() => '');
  const lines: string[] = [];
  let partial = '';
  for (const line of raw.split('\n')) {
    const m = /^\S+ (?:stdout|stderr) ([PF]) (.*)$/.exec(line);
    if (!m) continue;
    partial += m[2];
    if (m[1] === 'F') {
      lines.push(partial);
      partial = '';
    }
  }
  const text = lines.slice(-FALLBACK_LOG_LINES).join('\n');
  return text.length > FALLBACK_LOG_BYTES ? text.slice(text.length - FALLBACK_LOG_BYTES) : text;
}
