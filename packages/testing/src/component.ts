// A built component bundle (scheduler, controller manager, …) as its own process on a free
// loopback port, ready once its health endpoint answers — as `./k8ts up` runs it — for tests
// and benchmarks. `kill()` is SIGKILL (a crash: nothing is released); `stop()` is SIGTERM.
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from './ports.ts';

export interface ComponentProcess {
  child: ChildProcess;
  readonly pid: number;
  /** `http://127.0.0.1:<port>` of its health/metrics endpoint */
  url: string;
  kill(): Promise<void>;
  stop(): Promise<void>;
}

export interface ComponentProcessOptions {
  /** apps/<name>/dist/main.mjs */
  bundle: string;
  /** Its flags; `--port=<free port>` is added. */
  args: readonly string[];
  /** Flags for node itself (e.g. `--cpu-prof`). */
  nodeFlags?: readonly string[];
  /** What answers 200 once it is up (default /readyz). */
  readyPath?: string;
  readyTimeoutMs?: number;
}

export async function startComponentProcess(o: ComponentProcessOptions): Promise<ComponentProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...(o.nodeFlags ?? []), o.bundle, ...o.args, `--port=${port}`], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const alive = () => child.exitCode === null && child.signalCode === null;
  const signal = async (sig: NodeJS.Signals) => {
    if (!alive()) return;
    child.kill(sig);
    await exited;
  };
  const url = `http://127.0.0.1:${port}`;
  const p: ComponentProcess = { child, pid: child.pid!, url, kill: () => signal('SIGKILL'), stop: () => signal('SIGTERM') };
  for (const deadline = Date.now() + (o.readyTimeoutMs ?? 30_000); ;) {
    if ((await fetch(`${url}${o.readyPath ?? '/readyz'}`).catch(() => undefined))?.ok) return p;
    if (!alive() || Date.now() > deadline) {
      await p.kill();
      throw new Error(`${o.bundle} did not become ready on ${url}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
