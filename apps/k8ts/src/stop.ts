// Stopping and cleaning up, shared by `down` and by `up` when a step fails.
// Components stop in reverse start order: everything that depends on etcd goes before etcd.
import { rm, rmdir } from 'node:fs/promises';
import { isOurs, signalGroup } from './proc.ts';
import { clearRun, type ComponentRecord, type StatePaths } from './state.ts';

export interface StopOptions {
  out: (line: string) => void;
  /** How long SIGTERM gets before the group is killed. */
  graceMs?: number;
}

export async function stopComponents(records: readonly ComponentRecord[], o: StopOptions): Promise<void> {
  for (const c of [...records].reverse()) {
    if (!isOurs(c.pid, c.command)) {
      o.out(`• ${c.name} (pid ${c.pid}) is not running`);
      continue;
    }
    const t0 = performance.now();
    signalGroup(c.pid, 'SIGTERM');
    const deadline = Date.now() + (o.graceMs ?? 10_000);
    while (isOurs(c.pid, c.command) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    // Stragglers, including children left in the group after the leader exited.
    const killed = isOurs(c.pid, c.command);
    signalGroup(c.pid, 'SIGKILL');
    const secs = ((performance.now() - t0) / 1000).toFixed(1);
    o.out(`✓ ${c.name} stopped (pid ${c.pid}, ${killed ? 'killed after SIGTERM timed out' : secs + 's'})`);
  }
}

/**
 * Removes what `up` creates in the state directory, then the directory itself if nothing else
 * is left in it (a user-given directory may hold other files, which stay).
 */
export async function removeStateDir(paths: StatePaths): Promise<void> {
  await clearRun(paths);
  await rm(paths.logs, { recursive: true, force: true });
  await rm(paths.etcdData, { recursive: true, force: true });
  await rm(paths.componentKubeconfig, { force: true });
  try {
    await rmdir(paths.root);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}
