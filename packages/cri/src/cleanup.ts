// Removes what a node's containerd leaves behind once it is stopped — including after a crash with
// pods still running. Only our own things: ids come from the node's own state, shim sockets from
// each task's `address` file (the directory /run/containerd/s is shared with other containerds),
// processes from our cgroups and the shims whose command line names our containerd's socket. Mounts under the node directory are
// unmounted BEFORE anything is deleted, so no bind-mounted host path is ever recursed into.
import { execFile } from 'node:child_process';
import { readdir, readFile, rm, rmdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { containerdPaths } from './containerd-config.ts';
import { pidAlive } from './containerd.ts';

const run = promisify(execFile);

export interface CleanupOptions {
  nodeDir: string;
  /**
   * Cgroup subtrees the node owns entirely (e.g. `/k8ts-node-1` or `/k8ts/node-1`); removed whole.
   * Their ancestors below the controller root (`/k8ts`) go too once empty — another node's still
   * live subtree keeps them.
   */
  cgroupParents?: string[];
  /** Remove nodeDir itself at the end; default true. */
  removeNodeDir?: boolean;
  /** Test seams; default /sys/fs/cgroup, /run/containerd, /var/lib/cni/results, /proc/self/mountinfo, /proc. */
  cgroupRoot?: string;
  runContainerdDir?: string;
  cniResultsDir?: string;
  mountinfo?: string;
  procDir?: string;
}

export interface CleanupReport {
  ids: string[];
  killed: number[];
  unmounted: string[];
  removed: string[];
}

const list = (dir: string) => readdir(dir).catch(() => [] as string[]);
const read = (file: string) => readFile(file, 'utf8').then((s) => s.trim(), () => '');
const exists = (p: string) => stat(p).then(() => true, () => false);

/** Mount points at or below `dir`, deepest first (mountinfo's 5th field, octal escapes decoded). */
export function mountsUnder(mountinfo: string, dir: string): string[] {
  const base = dir.replace(/\/+$/, '');
  return mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((p): p is string => !!p)
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => p === base || p.startsWith(`${base}/`))
    .sort((a, b) => b.length - a.length);
}

export async function cleanupContainerd(o: CleanupOptions): Promise<CleanupReport> {
  const p = containerdPaths(o.nodeDir);
  const cgroupRoot = o.cgroupRoot ?? '/sys/fs/cgroup';
  const runDir = o.runContainerdDir ?? '/run/containerd';
  const report: CleanupReport = { ids: [], killed: [], unmounted: [], removed: [] };
  const kill = (pid: number) => {
    if (!(pid > 1) || !pidAlive(pid)) return;
    try { process.kill(pid, 'SIGKILL'); report.killed.push(pid); } catch { /* already gone */ }
  };
  const remove = async (path: string, recursive = false) => {
    if (!(await exists(path))) return;
    await (recursive ? rm(path, { recursive: true, force: true }) : rm(path, { force: true }));
    report.removed.push(path);
  };

  // 1. Our ids: the CRI plugin's records and the live tasks.
  const cri = join(p.root, 'io.containerd.grpc.v1.cri');
  const tasks = join(p.state, 'io.containerd.runtime.v2.task', 'k8s.io');
  const ids = new Set([...(await list(join(cri, 'containers'))), ...(await list(join(cri, 'sandboxes'))), ...(await list(tasks))]);
  report.ids = [...ids].sort();

  // 2. Processes: the containers' (cgroup.procs, init.pid) first, then their shims.
  const controllers = await list(cgroupRoot);
  const cgroupDirs: string[] = [];
  for (const ctrl of controllers) {
    for (const id of ids) cgroupDirs.push(join(cgroupRoot, ctrl, 'k8s.io', id));
    for (const parent of o.cgroupParents ?? []) cgroupDirs.push(join(cgroupRoot, ctrl, parent));
  }
  const presentCgroups = (await Promise.all(cgroupDirs.map(async (d) => ((await exists(d)) ? d : null)))).filter((d): d is string => d !== null);
  for (const dir of presentCgroups) for (const pid of await procsBelow(dir)) kill(pid);
  for (const id of ids) kill(Number(await read(join(tasks, id, 'init.pid'))));
  // The shims reap their containers: give the SIGKILLed processes a moment before the shims go.
  for (let i = 0; i < 100 && report.killed.some(pidAlive); i++) await new Promise((r) => setTimeout(r, 20));
  for (const pid of await shimsOf(p.socket, o.procDir ?? '/proc')) kill(pid);

  // 3. Shared directories: only entries that are provably ours.
  for (const id of ids) {
    const address = await read(join(tasks, id, 'address'));
    if (address.startsWith(`unix://${runDir}/s/`)) await remove(address.slice('unix://'.length));
    await remove(join(runDir, 'runc', 'k8s.io', id), true);
  }
  const results = o.cniResultsDir ?? '/var/lib/cni/results';
  for (const name of await list(results)) if ([...ids].some((id) => name.includes(id))) await remove(join(results, name));

  // 4. Cgroup directories, deepest first (rmdir is the only way to delete a cgroup).
  for (const dir of presentCgroups) await removeCgroupTree(dir, report);
  for (const ctrl of controllers) {
    // containerd's own parent for sandboxes without a cgroup parent goes too once empty (another
    // containerd's live sandboxes keep it).
    if (ids.size > 0) {
      const shared = join(cgroupRoot, ctrl, 'k8s.io');
      if (await rmdirIfEmpty(shared)) report.removed.push(shared);
    }
    for (const parent of o.cgroupParents ?? []) {
      const parts = parent.split('/').filter(Boolean);
      for (let n = parts.length - 1; n > 0; n--) {
        const dir = join(cgroupRoot, ctrl, ...parts.slice(0, n));
        if (!(await rmdirIfEmpty(dir))) break;
        report.removed.push(dir);
      }
    }
  }

  // 5. Mounts under the node directory (rootfs overlays, netns, shm), then the directory itself.
  const mountinfo = o.mountinfo ?? '/proc/self/mountinfo';
  for (const m of mountsUnder(await read(mountinfo), o.nodeDir)) {
    await run('umount', [m]).catch(() => run('umount', ['-l', m]));
    report.unmounted.push(m);
  }
  if (o.removeNodeDir ?? true) {
    const left = mountsUnder(await read(mountinfo), o.nodeDir);
    if (left.length > 0) throw new Error(`still mounted under ${o.nodeDir}: ${left.join(', ')}`);
    await remove(o.nodeDir, true);
  }
  return report;
}

/**
 * PIDs of the shims serving `socket`'s containerd. containerd 1.6 writes no shim pid file; a shim's
 * argv is `containerd-shim-runc-v2 -namespace … -id … -address <containerd socket>`, and that
 * socket is unique to the node.
 */
export async function shimsOf(socket: string, procDir = '/proc'): Promise<number[]> {
  const pids: number[] = [];
  for (const name of await list(procDir)) {
    if (!/^\d+$/.test(name)) continue;
    const argv = (await readFile(join(procDir, name, 'cmdline'), 'utf8').catch(() => '')).split('\0');
    const at = argv.indexOf('-address');
    if (argv[0]?.includes('containerd-shim') && at > 0 && argv[at + 1] === socket) pids.push(Number(name));
  }
  return pids;
}

async function procsBelow(dir: string): Promise<number[]> {
  const pids = (await read(join(dir, 'cgroup.procs'))).split('\n').filter(Boolean).map(Number);
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) pids.push(...(await procsBelow(join(dir, e.name))));
  }
  return pids;
}

/** rmdir that answers false for a directory that is absent, not empty or a busy cgroup. */
async function rmdirIfEmpty(dir: string): Promise<boolean> {
  try {
    await rmdir(dir);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTEMPTY' || code === 'EBUSY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw err;
  }
}

async function removeCgroupTree(dir: string, report: CleanupReport): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (e.isDirectory()) await removeCgroupTree(join(dir, e.name), report);
  }
  // A cgroup whose last process was just SIGKILLed may be busy for a moment.
  for (let i = 0; i < 50; i++) {
    try {
      await rmdir(dir);
      report.removed.push(dir);
      return;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return;
      if (code !== 'EBUSY' || i === 49) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
