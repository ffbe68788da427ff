// Stopping and cleaning up, shared by `down` and by `up` when a step fails.
// Components stop in reverse start order: everything that depends on etcd goes before etcd.
// Nodes go before the control plane: first every kubelet (so nothing starts pods any more), then
// each node's runtime (pods through CRI, containerd, its leftovers, bridge, rules), then what `up`
// changed on the host (shared CNI chains, ip_forward, the blackhole routes).
import { rm, rmdir } from 'node:fs/promises';
import type { Exec } from './host.ts';
import { discoverNodes, nodeLayout, teardownHost, teardownNode, type NodeLayout } from './nodes.ts';
import { isOurs, signalGroup } from './proc.ts';
import { clearRun, type ComponentRecord, type State, type StatePaths } from './state.ts';

export interface StopOptions {
  out: (line: string) => void;
  /** How long SIGTERM gets before the group is killed. */
  graceMs?: number;
}

export interface TeardownOptions extends StopOptions {
  run?: Exec;
}

/**
 * Stops the kubelets and removes every node — those in the state and any other directory under
 * nodes/ (a node whose record a crash lost) — then undoes the host changes. Returns false when a
 * node could not be fully removed: then the host changes (the blackhole routes above all) stay,
 * and so must the state, for another `down` to retry.
 */
export async function teardownNodes(state: State | undefined, paths: StatePaths, o: TeardownOptions): Promise<boolean> {
  const recorded = state?.nodes ?? [];
  await stopComponents(recorded.flatMap((n) => (n.kubelet ? [n.kubelet] : [])), o);
  const layouts = new Map<number, NodeLayout>(recorded.map((n) => [n.index, nodeLayout(paths.nodes, n.index)]));
  for (const l of await discoverNodes(paths.nodes)) layouts.set(l.index, l);
  let ok = true;
  for (const l of [...layouts.values()].sort((a, b) => a.index - b.index)) {
    const rec = recorded.find((n) => n.index === l.index);
    const t0 = performance.now();
    try {
      const r = await teardownNode({
        layout: l,
        ...(rec ? { containerd: rec.containerd } : {}),
        log: rec?.containerd.log ?? paths.log(`containerd-${l.name}`),
        out: o.out,
        stateDir: paths.root,
        ...(o.run ? { run: o.run } : {}),
      });
      const pods = r.sandboxes.length > 0 ? `, ${r.sandboxes.length} pod sandbox${r.sandboxes.length === 1 ? '' : 'es'} removed` : '';
      o.out(`✓ node ${l.name} removed (${((performance.now() - t0) / 1000).toFixed(1)}s${pods})`);
    } catch (err) {
      ok = false;
      o.out(`✗ node ${l.name} not fully removed: ${(err as Error).message}`);
    }
  }
  if (!ok) return false;
  if (state?.host) {
    await teardownHost(state.host, { out: o.out, podCIDRs: [...layouts.values()].map((l) => l.podCIDR), ...(o.run ? { run: o.run } : {}) });
    const routes = state.host.blackholes;
    if (routes.length > 0) o.out(`✓ removed the blackhole routes ${routes.join(' and ')}`);
    delete state.host;
  }
  if (state) state.nodes = [];
  await rm(paths.images, { recursive: true, force: true });
  await rmdirIfEmpty(paths.nodes);
  return true;
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
  await rm(paths.images, { recursive: true, force: true });
  // Node directories are removed by their tear-down only (never recursively from here: a node
  // whose clean-up failed may still have mounts below it).
  await rmdirIfEmpty(paths.nodes);
  await rmdirIfEmpty(paths.root);
}

async function rmdirIfEmpty(dir: string): Promise<void> {
  try {
    await rmdir(dir);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
  }
}
