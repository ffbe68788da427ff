// Health probes over loopback HTTP: `/health` for etcd, `/readyz` for the API server.
import type { Exit } from './proc.ts';

export type Health = { ok: true } | { ok: false; reason: string };

/**
 * 200 is healthy unless the body is etcd's JSON verdict saying otherwise
 * (`{"health":"false"}`), which etcd can answer with a 200.
 */
export async function probe(url: string, timeoutMs = 2000): Promise<Health> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code;
    return { ok: false, reason: cause === 'ECONNREFUSED' ? 'connection refused' : 'unreachable' };
  }
  const body = await res.text();
  if (res.status !== 200) {
    // A failing /readyz names its failed checks in the body; keep a short excerpt.
    const excerpt = body.trim().replace(/\s+/g, ' ').slice(0, 200);
    return { ok: false, reason: excerpt ? `HTTP ${res.status}: ${excerpt}` : `HTTP ${res.status}` };
  }
  if (/"health"\s*:\s*"false"/.test(body)) return { ok: false, reason: body.trim() };
  return { ok: true };
}

export interface WaitOptions {
  /** The component's exit; an exit before readiness fails the wait at once. */
  exited: Promise<Exit>;
  timeoutMs: number;
  /** Pause between probes for the first 3 s (default 100 ms); then 1 s, so a slow start does not flood its log with probes. */
  intervalMs?: number;
}

export async function waitHealthy(url: string, o: WaitOptions): Promise<void> {
  let exit: Exit | undefined;
  void o.exited.then((e) => (exit = e));
  const deadline = Date.now() + o.timeoutMs;
  let last: Health = { ok: false, reason: 'not probed' };
  const slowFrom = Date.now() + 3000;
  for (;;) {
    if (exit) throw new Error(`exited (${describeExit(exit)}) before becoming ready`);
    last = await probe(url);
    if (last.ok) return;
    if (Date.now() > deadline) {
      throw new Error(`not ready after ${o.timeoutMs / 1000}s (${url}: ${last.reason})`);
    }
    await new Promise((r) => setTimeout(r, Date.now() < slowFrom ? (o.intervalMs ?? 100) : 1000));
  }
}

export const describeExit = (e: Exit) => (e.signal ? `signal ${e.signal}` : `code ${e.code}`);
