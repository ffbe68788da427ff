// Waiting for a Node object to report Ready=True, through the API server on loopback.
import { describeExit } from './health.ts';
import type { Exit } from './proc.ts';

interface NodeCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

/** `true` when the Node's Ready condition is True; otherwise why not, in a few words. */
export function readiness(node: { status?: { conditions?: NodeCondition[] } } | undefined): true | string {
  if (!node) return 'not registered yet';
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (!ready) return 'no Ready condition yet';
  if (ready.status === 'True') return true;
  const why = [ready.reason, ready.message].filter(Boolean).join(': ');
  return `Ready=${ready.status ?? 'Unknown'}${why ? ` (${why})` : ''}`;
}

export interface WaitNodeReadyOptions {
  /** `http://127.0.0.1:<port>` */
  server: string;
  name: string;
  timeoutMs: number;
  /** the kubelet's log, named in the error */
  log: string;
  /** the kubelet's exit: fails the wait at once */
  exited?: Promise<Exit>;
  intervalMs?: number;
  fetch?: typeof fetch;
  signal?: AbortSignal;
}

export async function waitNodeReady(o: WaitNodeReadyOptions): Promise<void> {
  const get = o.fetch ?? fetch;
  let exit: Exit | undefined;
  void o.exited?.then((e) => (exit = e));
  const deadline = Date.now() + o.timeoutMs;
  const url = `${o.server}/api/v1/nodes/${encodeURIComponent(o.name)}`;
  let last = 'not asked yet';
  for (;;) {
    if (o.signal?.aborted) throw new Error('interrupted');
    if (exit) throw new Error(`the kubelet of ${o.name} exited (${describeExit(exit)}) before the node was Ready; see ${o.log}`);
    try {
      const res = await get(url, { signal: AbortSignal.timeout(5_000) });
      if (res.status === 404) {
        await res.body?.cancel();
        last = 'not registered yet';
      } else if (!res.ok) {
        last = `HTTP ${res.status} from the API server`;
        await res.body?.cancel();
      } else {
        const verdict = readiness((await res.json()) as Parameters<typeof readiness>[0]);
        if (verdict === true) return;
        last = verdict;
      }
    } catch (err) {
      last = `API server unreachable (${(err as Error).message})`;
    }
    if (Date.now() >= deadline) throw new Error(`node ${o.name} is not Ready after ${Math.round(o.timeoutMs / 1000)}s (${last}); see ${o.log}`);
    await new Promise((r) => setTimeout(r, o.intervalMs ?? 250));
  }
}
