// The pod lifecycle event generator (upstream pleg/generic.go): every period it lists all
// sandboxes and containers, compares each one's state with the last relist, and names the pods
// whose runtime state changed — a container that started, died or vanished — so their workers
// sync. It also tells the kubelet whether the runtime answers: a relist older than three minutes
// makes the node unhealthy, as upstream's PLEG health check does.
import type { Clock } from '@k8ts/client';
import type { RuntimeService } from '@k8ts/cri';
import { goDuration } from '../kuberuntime/backoff.ts';
import { LABELS } from '../status/labels.ts';

export const RELIST_THRESHOLD_MS = 3 * 60_000;

export class Pleg {
  #last = new Map<string, string>();
  /** When the last relist succeeded; undefined before the first. */
  #lastRelist: number | undefined;
  #first = true;
  /** Containers by CRI state at the last relist (kubelet_running_containers). */
  containerStates: Record<string, number> = {};

  constructor(
    private readonly runtime: Pick<RuntimeService, 'listPodSandbox' | 'listContainers'>,
    private readonly clock: Clock,
    private readonly onChange: (podUid: string) => void,
  ) {}

  /** One relist; resolves to the pod uids the runtime holds anything for. */
  async relist(): Promise<Set<string>> {
    const [sandboxes, containers] = await Promise.all([this.runtime.listPodSandbox(), this.runtime.listContainers()]);
    const now = new Map<string, string>();
    const pods = new Set<string>();
    for (const s of sandboxes) {
      const uid = s.labels?.[LABELS.podUid] ?? s.metadata?.uid ?? '';
      if (!uid) continue;
      pods.add(uid);
      now.set(`s/${s.id}`, `${uid} ${s.state}`);
    }
    const states: Record<string, number> = {};
    for (const c of containers) {
      states[c.state] = (states[c.state] ?? 0) + 1;
      const uid = c.labels?.[LABELS.podUid] ?? '';
      if (!uid) continue;
      pods.add(uid);
      now.set(`c/${c.id}`, `${uid} ${c.state}`);
    }
    const changed = new Set<string>();
    for (const [id, v] of now) if (this.#last.get(id) !== v) changed.add(v.split(' ')[0]!);
    for (const [id, v] of this.#last) if (!now.has(id)) changed.add(v.split(' ')[0]!);
    this.#last = now;
    this.containerStates = states;
    this.#lastRelist = this.clock.now().getTime();
    // The first relist only learns the state; the kubelet syncs every pod once at start anyway.
    if (!this.#first) for (const uid of changed) this.onChange(uid);
    this.#first = false;
    return pods;
  }

  /** Relists every `periodMs` until `signal` aborts; failures are reported and retried. */
  async run(periodMs: number, signal: AbortSignal, onError: (err: unknown) => void, onRelist?: (pods: Set<string>) => void): Promise<void> {
    while (!signal.aborted) {
      try {
        const pods = await this.relist();
        onRelist?.(pods);
      } catch (err) {
        onError(err);
      }
      await this.clock.sleep(periodMs, signal).catch(() => undefined);
    }
  }

  /** Upstream's GenericPLEG.Healthy, worded as the kubelet's runtime-state check reports it. */
  healthy(): { ok: boolean; message: string } {
    if (this.#lastRelist === undefined) return { ok: false, message: 'PLEG is not healthy: pleg has yet to be successful' };
    const age = this.clock.now().getTime() - this.#lastRelist;
    if (age <= RELIST_THRESHOLD_MS) return { ok: true, message: '' };
    return { ok: false, message: `PLEG is not healthy: pleg was last seen active ${goDuration(age)} ago; threshold is ${goDuration(RELIST_THRESHOLD_MS)}` };
  }
}
