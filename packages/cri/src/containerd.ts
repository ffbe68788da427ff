// A node's private containerd: write its config, start it in its own session (so a terminal's
// ^C or the parent's exit does not reach it), wait until CRI answers, stop it by PID.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, open, stat, writeFile } from 'node:fs/promises';
import { CriClient } from './client.ts';
import { containerdPaths, renderContainerdConfig, type ContainerdConfigOptions, type ContainerdPaths } from './containerd-config.ts';

export interface StartContainerdOptions extends ContainerdConfigOptions {
  /** default `containerd` from PATH */
  binary?: string;
  /** how long to wait for CRI to answer Version; default 15 s */
  readyTimeoutMs?: number;
  /** where its stdout and stderr go (appended); default `<nodeDir>/containerd.log` */
  log?: string;
}

export interface ContainerdProcess {
  pid: number;
  paths: ContainerdPaths;
  /** `unix://…` for CriClient */
  endpoint: string;
  /** resolves when the process has exited */
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s). Running pods survive it (their shims do). */
  stop(graceMs?: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * True while a process with this PID exists and has not exited. A zombie counts as exited: on these
 * machines PID 1 is not an init that reaps promptly, so killed orphans linger as zombies.
 */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S …" — comm may hold spaces and parentheses, the state follows the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/**
 * Stops a process by PID: SIGTERM, then SIGKILL once `graceMs` has passed. For a containerd this
 * process did not start (e.g. after a launcher restart), `exited` is unknown, so PID polling decides.
 */
export async function stopByPid(pid: number, graceMs = 5_000, exited?: Promise<void>): Promise<void> {
  const gone = exited ?? (async () => { while (pidAlive(pid)) await sleep(20); })();
  try { process.kill(pid, 'SIGTERM'); } catch { return; }
  const timedOut = await Promise.race([gone.then(() => false), sleep(graceMs).then(() => true)]);
  if (!timedOut) return;
  try { process.kill(pid, 'SIGKILL'); } catch { return; }
  await Promise.race([gone, sleep(2_000)]);
}

export async function startContainerd(o: StartContainerdOptions): Promise<ContainerdProcess> {
  const paths = containerdPaths(o.nodeDir);
  await mkdir(paths.cniConfDir, { recursive: true });
  await writeFile(paths.config, renderContainerdConfig(o));
  const logPath = o.log ?? paths.log;
  const log = await open(logPath, 'a');
  const child = spawn(o.binary ?? 'containerd', ['--config', paths.config], { detached: true, stdio: ['ignore', log.fd, log.fd] });
  await log.close();
  child.unref();
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null) resolve();
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  });
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const pid = child.pid;
  if (pid === undefined) throw await spawnError;
  const proc: ContainerdProcess = {
    pid,
    paths,
    endpoint: `unix://${paths.socket}`,
    exited,
    stop: (graceMs) => stopByPid(pid, graceMs, exited),
  };
  try {
    await waitForCri(proc.endpoint, o.readyTimeoutMs ?? 15_000, exited);
  } catch (err) {
    await proc.stop(1_000);
    throw new Error(`containerd did not become ready (log: ${logPath}): ${(err as Error).message}`);
  }
  return proc;
}

/** Polls Version until the CRI plugin answers; fails early when the process exits. */
async function waitForCri(endpoint: string, timeoutMs: number, exited: Promise<void>): Promise<void> {
  let dead = false;
  void exited.then(() => (dead = true));
  const deadline = Date.now() + timeoutMs;
  // Connect only once the socket exists: a failed first connect puts grpc-js into a 1 s back-off.
  const socket = endpoint.replace(/^unix:\/\//, '');
  while (!(await stat(socket).then(() => true, () => false))) {
    if (dead) throw new Error('containerd exited');
    if (Date.now() > deadline) throw new Error(`no socket at ${socket}`);
    await sleep(10);
  }
  const client = new CriClient({ endpoint, timeoutMs: 1_000 });
  try {
    for (;;) {
      if (dead) throw new Error('containerd exited');
      try {
        await client.version('v1');
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
      }
      await sleep(25);
    }
  } finally {
    client.close();
  }
}
