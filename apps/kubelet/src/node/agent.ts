// NodeAgent: registers this kubelet's Node, keeps its status current and its Lease renewed
// (upstream kubelet_node_status.go + nodelease). Status is written when it changed or when
// statusReportMs passed since the last write; the Lease is the cheap, frequent heartbeat.
import { Backoff, realClock, type Clock, type Lease, type LeasePort } from '@k8ts/client';
import { isApiError } from '@k8ts/api';
import type { ImageService, RuntimeService } from '@k8ts/cri';
import type { Node } from 'kubernetes-types/core/v1';
import type { NodeApi } from './api.ts';
import { equalLabels, nodeLabels } from './labels.ts';
import { LEASE_DURATION_SECONDS, renewLease } from './lease.ts';
import { nodeStatus } from './status.ts';
import { statusChanged } from './equal.ts';
import type { MachineInfo, NodeStatusInput, RuntimeReport } from './types.ts';

export const KUBELET_VERSION = 'v1.32.0-k8ts';

export interface NodeAgentOptions {
  nodeName: string;
  api: NodeApi;
  leases: LeasePort;
  runtime: Pick<RuntimeService, 'version' | 'status'>;
  images: Pick<ImageService, 'listImages'>;
  /** Read every round, so capacity follows the host (see machineInfo()). */
  machine: () => Promise<MachineInfo>;
  clock?: Clock;
  kubeletVersion?: string;
  reserved?: NodeStatusInput['reserved'];
  kubeletPort?: number;
  /** --max-pods (default 110). */
  maxPods?: number;
  /** Registered as spec.podCIDR(s) when the Node is created (--pod-cidr). */
  podCIDR?: string;
  /** --node-labels, added to the default labels. */
  labels?: Record<string, string>;
  /** nodeStatusUpdateFrequency: how often status is computed (default 10 s). */
  statusUpdateMs?: number;
  /** nodeStatusReportFrequency: the longest an unchanged status goes unwritten (default 5 min). */
  statusReportMs?: number;
  /** How often the Lease is renewed (default 10 s, a quarter of its duration). */
  leaseRenewMs?: number;
  leaseDurationSeconds?: number;
  /** First wait after a failed call; doubles up to the loop's period (default 100 ms). */
  retryInitialMs?: number;
  /** Every failed call, for logging; the agent itself keeps retrying. */
  onError?: (what: 'register' | 'status' | 'lease', err: unknown) => void;
}

type Defaulted = Required<Omit<NodeAgentOptions, 'reserved' | 'onError' | 'kubeletPort' | 'podCIDR' | 'labels' | 'maxPods'>> & NodeAgentOptions;

export class NodeAgent {
  readonly #o: Defaulted;
  #node: Node | undefined;
  /** Set after a failed write: the next round starts from a fresh GET, as upstream retries do. */
  #stale = false;
  #lastReport: number | undefined;
  #lease: Lease | undefined;

  constructor(opts: NodeAgentOptions) {
    if (!opts.nodeName) throw new Error('NodeAgent: nodeName is required');
    this.#o = {
      clock: realClock, kubeletVersion: KUBELET_VERSION, statusUpdateMs: 10_000, statusReportMs: 300_000,
      leaseRenewMs: 10_000, leaseDurationSeconds: LEASE_DURATION_SECONDS, retryInitialMs: 100, ...opts,
    };
    for (const k of ['statusUpdateMs', 'statusReportMs', 'leaseRenewMs', 'retryInitialMs'] as const) {
      if (!(this.#o[k] > 0)) throw new Error(`NodeAgent: ${k} must be positive`);
    }
  }

  /** The Node as last read or written. */
  get node(): Node | undefined {
    return this.#node;
  }

  /**
   * Creates the Node once; an existing Node of the same name is adopted, its default labels
   * reconciled. Retries with back-off until it succeeds or `signal` aborts (then rejects).
   */
  async register(signal?: AbortSignal): Promise<Node> {
    const backoff = new Backoff({ clock: this.#o.clock, initialMs: this.#o.retryInitialMs, maxMs: 7_000, jitter: 0 });
    for (;;) {
      try {
        return (this.#node = await this.#tryRegister());
      } catch (err) {
        this.#o.onError?.('register', err);
      }
      await this.#o.clock.sleep(backoff.next(), signal);
    }
  }

  async #tryRegister(): Promise<Node> {
    const { api, nodeName } = this.#o;
    const labels = { ...this.#o.labels, ...nodeLabels(await this.#o.machine()) };
    try {
      const spec = this.#o.podCIDR ? { podCIDR: this.#o.podCIDR, podCIDRs: [this.#o.podCIDR] } : {};
      return await api.create({ apiVersion: 'v1', kind: 'Node', metadata: { name: nodeName, labels }, spec });
    } catch (err) {
      if (!isApiError(err, 'AlreadyExists')) throw err;
    }
    const existing = await api.get(nodeName);
    if (!existing) throw new Error(`node ${nodeName} vanished while registering`);
    return equalLabels(existing.metadata?.labels, labels) ? existing : api.patchLabels(nodeName, labels);
  }

  /** One status round; resolves true when it wrote the status. */
  async syncStatus(): Promise<boolean> {
    const { api, nodeName, clock } = this.#o;
    try {
      if (this.#stale || !this.#node) this.#node = (await api.get(nodeName)) ?? this.#fail(`node "${nodeName}" not found`);
      this.#stale = false;
      const now = clock.now();
      const status = nodeStatus({
        node: this.#node,
        machine: await this.#o.machine(),
        runtime: await this.#runtimeReport(),
        images: await this.#o.images.listImages().catch(() => undefined),
        kubeletVersion: this.#o.kubeletVersion,
        reserved: this.#o.reserved,
        kubeletPort: this.#o.kubeletPort,
        ...(this.#o.maxPods !== undefined ? { maxPods: this.#o.maxPods } : {}),
        now,
      });
      const due = this.#lastReport === undefined || now.getTime() - this.#lastReport >= this.#o.statusReportMs;
      if (!due && !statusChanged(this.#node.status, status)) return false;
      this.#node = await api.patchStatus(nodeName, status);
      this.#lastReport = now.getTime();
      return true;
    } catch (err) {
      this.#stale = true;
      throw err;
    }
  }

  async #runtimeReport(): Promise<RuntimeReport> {
    try {
      const [version, status] = await Promise.all([this.#o.runtime.version('v1'), this.#o.runtime.status(false)]);
      return { version, status };
    } catch (error) {
      return { error };
    }
  }

  /** One Lease round: renew, or create it with an owner reference to the Node. */
  async renewLease(): Promise<Lease> {
    const { leases, nodeName, clock, leaseDurationSeconds } = this.#o;
    const node = { name: nodeName, uid: this.#node?.metadata?.uid };
    try {
      return (this.#lease = await renewLease(leases, node, clock.now(), this.#lease, leaseDurationSeconds));
    } catch (err) {
      this.#lease = undefined;
      throw err;
    }
  }

  /**
   * Heartbeats the Lease from the start, registers, then updates status; returns when `signal`
   * aborts. API failures are reported to onError and retried with back-off, never thrown.
   */
  async run(signal: AbortSignal): Promise<void> {
    const lease = this.#loop(signal, 'lease', this.#o.leaseRenewMs, () => this.renewLease());
    try {
      await this.register(signal);
      await this.#loop(signal, 'status', this.#o.statusUpdateMs, () => this.syncStatus());
    } catch (err) {
      if (!signal.aborted) throw err;
    }
    await lease;
  }

  async #loop(signal: AbortSignal, what: 'status' | 'lease', periodMs: number, step: () => Promise<unknown>): Promise<void> {
    const backoff = new Backoff({ clock: this.#o.clock, initialMs: Math.min(this.#o.retryInitialMs, periodMs), maxMs: periodMs, jitter: 0 });
    while (!signal.aborted) {
      let wait = periodMs;
      try {
        await step();
      } catch (err) {
        this.#o.onError?.(what, err);
        wait = backoff.next();
      }
      try {
        await this.#o.clock.sleep(wait, signal);
      } catch {
        return;
      }
    }
  }

  #fail(message: string): never {
    throw new Error(message);
  }
}
