// Detached processes the launcher owns: each leads its own process group (so it outlives the
// CLI and can be stopped as a whole), writes stdout+stderr to one log file, and is recognised
// later only by PID *and* executable, so a recycled PID is never signalled.
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { open } from 'node:fs/promises';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface Spawned {
  pid: number;
  /** Settles when the process exits while this CLI still runs; never rejects. */
  done: Promise<Exit>;
}

export function spawnDetached(command: string, args: readonly string[], logFile: string): Spawned {
  const fd = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd] });
    const done = new Promise<Exit>((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      // A failed exec (ENOENT, EACCES) emits `error` and no `exit`.
      child.once('error', () => resolve({ code: 127, signal: null }));
    });
    child.unref();
    return { pid: child.pid ?? 0, done };
  } finally {
    closeSync(fd);
  }
}

/**
 * True when `pid` is a live (not zombie) process-group leader running `command`. Without /proc
 * (not Linux) it falls back to signal 0. Zombies count as dead: where PID 1 does not reap,
 * an exited detached child stays a zombie that signal 0 still reports.
 */
export function isOurs(pid: number, command: string): boolean {
  if (pid <= 0) return false;
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && !procMounted()) return signalZero(pid);
    return false;
  }
  // Fields after the parenthesised comm: state ppid pgrp ...
  const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (state === 'Z' || state === 'X' || Number(pgrp) !== pid) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] === command;
  } catch {
    return false;
  }
}

const procMounted = () => {
  try {
    readFileSync('/proc/self/stat');
    return true;
  } catch {
    return false;
  }
};

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Signals a whole process group; a group that is already gone is not an error. */
export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
  }
}

/** The last `lines` lines of a log file ('' when it does not exist). */
export async function tail(path: string, lines = 20, maxBytes = 64 * 1024): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const { size } = await fh.stat();
    const start = Math.max(0, size - maxBytes);
    const buf = Buffer.alloc(size - start);
    await fh.read(buf, 0, buf.length, start);
    return buf.toString('utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } finally {
    await fh.close();
  }
}
