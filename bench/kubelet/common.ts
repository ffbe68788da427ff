// Shared pieces of the kubelet benchmarks: the built kubelet as its own process, a pod watch that
// timestamps when each pod is first seen Running and Ready, the pods, a clean-up stack that also
// runs on ^C, and a sampler of a process's CPU and RSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { openSync, closeSync, readFileSync } from 'node:fs';
import { resourceFor, type ResourceInfo } from '@k8ts/api';
import { Client, dropManagedFields, Informer, type KubeObject } from '@k8ts/client';
import { startControlPlane, writeTestKubeconfig, type ControlPlane } from '@k8ts/testing';
import { join } from 'node:path';
import type { Pod } from 'kubernetes-types/core/v1';
import { cpuSeconds, ROOT, rssMiB } from '../lib.ts';

export const PODS = resourceFor('', 'v1', 'pods') as ResourceInfo;
export const NODES = resourceFor('', 'v1', 'nodes') as ResourceInfo;
export const NAMESPACES = resourceFor('', 'v1', 'namespaces') as ResourceInfo;
export const KUBELET_BUNDLE = `${ROOT}apps/kubelet/dist/main.mjs`;
export const BUSYBOX = 'busybox:1.36';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Things to undo, undone last-first exactly once — when the benchmark ends, fails, or is
 * interrupted (SIGINT/SIGTERM run them too, then exit), so no containerd, kubelet or cgroup
 * outlives the run.
 */
export class Cleanup {
  /** Runs `body` with a fresh Cleanup and always runs its steps afterwards (also on ^C). */
  static async around(body: (cleanup: Cleanup) => Promise<void>): Promise<void> {
    const cleanup = new Cleanup();
    try {
      await body(cleanup);
    } finally {
      await cleanup.run();
    }
  }

  readonly #steps: { what: string; fn: () => Promise<unknown> | unknown }[] = [];
  #running: Promise<void> | undefined;
  readonly #onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`\nkubelet bench: ${sig}, cleaning up…\n`);
    void this.run().finally(() => process.exit(130));
  };

  constructor() {
    process.once('SIGINT', this.#onSignal);
    process.once('SIGTERM', this.#onSignal);
  }

  push(what: string, fn: () => Promise<unknown> | unknown): void {
    this.#steps.push({ what, fn });
  }

  run(): Promise<void> {
    this.#running ??= (async () => {
      while (this.#steps.length > 0) {
        const s = this.#steps.pop()!;
        try {
          await s.fn();
        } catch (err) {
          process.stderr.write(`kubelet bench clean-up: ${s.what} failed: ${(err as Error).message}\n`);
        }
      }
      process.off('SIGINT', this.#onSignal);
      process.off('SIGTERM', this.#onSignal);
    })();
    return this.#running;
  }
}

export interface KubeletProcess {
  pid: number;
  child: ChildProcess;
  alive(): boolean;
  /** SIGTERM (a kubelet leaves its containers running), SIGKILL after `graceMs`; by PID only. */
  stop(graceMs?: number): Promise<void>;
  /** The last lines of its log (stdout and stderr), for a failure message. */
  logTail(): string;
}

/** The built kubelet bundle with `args`; its output goes to `logFile`. */
export function startKubeletProcess(args: readonly string[], logFile: string, nodeFlags: readonly string[] = []): KubeletProcess {
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeFlags, KUBELET_BUNDLE, ...args], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const exited = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const alive = () => child.exitCode === null && child.signalCode === null;
  return {
    pid: child.pid!,
    child,
    alive,
    async stop(graceMs = 10_000) {
      if (!alive()) return;
      child.kill('SIGTERM');
      if (await Promise.race([exited.then(() => true), sleep(graceMs).then(() => false)])) return;
      child.kill('SIGKILL');
      await exited;
    },
    logTail() {
      try {
        return readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      } catch {
        return '';
      }
    },
  };
}

export const isReady = (p: Pod) => p.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
export const isRunning = (p: Pod) =>
  p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).length > 0 && p.status.containerStatuses!.every((c) => c.state?.running);

/**
 * Pods of one namespace as this process sees them through a list+watch (an informer, so a watch
 * the API server ends is resumed, not lost): per pod name, when it was first seen with all its
 * containers running, and first seen Ready — the moment upstream's pod startup SLI ends.
 */
export class PodTracker {
  readonly running = new Map<string, number>();
  readonly ready = new Map<string, number>();
  readonly #informer: Informer<Pod>;
  readonly #ac = new AbortController();
  #waiters: { check: () => boolean; resolve: () => void }[] = [];

  constructor(client: Client, namespace: string) {
    this.#informer = new Informer<Pod>({ client, resource: PODS, namespace, transform: dropManagedFields as (o: KubeObject) => KubeObject });
    const seen = (p: Pod) => {
      const name = p.metadata?.name ?? '';
      const now = performance.now();
      if (!this.running.has(name) && isRunning(p)) this.running.set(name, now);
      if (!this.ready.has(name) && isReady(p)) this.ready.set(name, now);
      this.#wake();
    };
    this.#informer.addEventHandler({ onAdd: seen, onUpdate: (_o, p) => seen(p), onDelete: () => this.#wake() });
    void this.#informer.start(this.#ac.signal);
  }

  sync(): Promise<void> {
    return this.#informer.waitForSync(this.#ac.signal);
  }

  /** Pods that exist now (as of the watch). */
  count(): number {
    return this.#informer.lister.list().length;
  }

  /** Forget the timestamps (pods are recreated under the same names each round). */
  reset(): void {
    this.running.clear();
    this.ready.clear();
  }

  /** Resolves once `check()` holds (re-checked on every event and every 200 ms); rejects after `ms`. */
  async until(check: () => boolean, ms: number, what: string): Promise<void> {
    if (check()) return;
    let timer: NodeJS.Timeout | undefined;
    let poll: NodeJS.Timeout | undefined;
    try {
      await new Promise<void>((resolve, reject) => {
        this.#waiters.push({ check, resolve });
        timer = setTimeout(() => reject(new Error(`timed out after ${ms / 1000} s waiting for ${what}`)), ms);
        poll = setInterval(() => this.#wake(), 200);
      });
    } finally {
      clearTimeout(timer);
      clearInterval(poll);
    }
  }

  #wake(): void {
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }

  stop(): void {
    this.#ac.abort();
  }
}

/** busybox `sleep 3600`, bound to `node` by spec.nodeName (no scheduler runs), optionally with an exec readiness probe. */
export function sleepPod(name: string, namespace: string, node: string, o: { hostNetwork?: boolean; execReadiness?: boolean } = {}): Pod {
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'kubelet-bench' } },
    spec: {
      nodeName: node,
      ...(o.hostNetwork ? { hostNetwork: true } : {}),
      // busybox sleep as PID 1 ignores SIGTERM: a short grace keeps the deletes between rounds quick.
      terminationGracePeriodSeconds: 1,
      containers: [{
        name: 'main', image: BUSYBOX, command: ['sleep', '3600'],
        resources: { requests: { cpu: '10m', memory: '16Mi' } },
        ...(o.execReadiness ? { readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 } } : {}),
      }],
    },
  };
}

/** Samples a process's CPU seconds and RSS every `everyMs`; `window()` gives cores and RSS between two marks. */
export class ProcessSampler {
  readonly #pid: number;
  readonly #timer: NodeJS.Timeout;
  #samples: { t: number; cpu: number; rss: number }[] = [];

  constructor(pid: number, everyMs = 1_000) {
    this.#pid = pid;
    this.sample();
    this.#timer = setInterval(() => this.sample(), everyMs);
  }

  sample(): { t: number; cpu: number; rss: number } {
    const s = { t: performance.now(), cpu: cpuSeconds(this.#pid), rss: rssMiB(this.#pid) };
    this.#samples.push(s);
    return s;
  }

  /** Cores used (CPU seconds per second) and mean/peak RSS in MiB between two samples. */
  window(from: { t: number; cpu: number }, to: { t: number; cpu: number }) {
    const inside = this.#samples.filter((s) => s.t >= from.t && s.t <= to.t);
    const rss = inside.map((s) => s.rss);
    return {
      seconds: (to.t - from.t) / 1000,
      cores: (to.cpu - from.cpu) / ((to.t - from.t) / 1000),
      rssMean: rss.reduce((a, b) => a + b, 0) / Math.max(1, rss.length),
      rssPeak: Math.max(...rss),
    };
  }

  /** The kernel's own high-water mark of the process's RSS (VmHWM), in MiB. */
  peakRssMiB(): number {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${this.#pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : NaN;
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}

/** etcd + the built API server, an unthrottled client and a kubeconfig in `dir`; all undone by `cleanup`. */
export async function benchControlPlane(cleanup: Cleanup, dir: string): Promise<{ cp: ControlPlane; client: Client; kubeconfig: string }> {
  const cp = await startControlPlane();
  cleanup.push('stop the control plane', () => cp.stop());
  const client = new Client({ config: { server: cp.url }, qps: Infinity });
  cleanup.push('close the client', () => client.close());
  const kubeconfig = join(dir, 'kubeconfig');
  await writeTestKubeconfig(kubeconfig, cp.url);
  return { cp, client, kubeconfig };
}
