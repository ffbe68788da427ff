// `k8ts down`: stop the kubelets, remove every node (its pods through CRI, its containerd and what
// that leaves behind, its bridge and iptables rules), undo the host changes `up` recorded, stop the
// control plane (process groups, never by name), then remove the state directory and the
// kubeconfig `up` wrote. Running it again, with nothing up, or after a crash is fine.
import { rm } from 'node:fs/promises';
import type { Exec } from './host.ts';
import { readState, saveState, statePaths } from './state.ts';
import { removeStateDir, stopComponents, teardownNodes } from './stop.ts';

export interface DownDeps {
  out: (line: string) => void;
  graceMs?: number;
  run?: Exec;
}

export async function down(stateDir: string, deps: DownDeps): Promise<number> {
  const paths = statePaths(stateDir);
  const state = await readState(paths);
  const o = { out: deps.out, ...(deps.graceMs !== undefined ? { graceMs: deps.graceMs } : {}), ...(deps.run ? { run: deps.run } : {}) };
  if (!state) deps.out(`k8ts is not running (no state in ${paths.root})`);
  // Nodes even without a state file: a crash may have lost it after they started.
  const nodesGone = await teardownNodes(state, paths, o);
  if (state) {
    await stopComponents(state.components, o);
    if (!nodesGone) {
      await saveState(paths, state);
      deps.out(`✗ some node could not be removed (see above); its state stays in ${paths.root} — run \`k8ts down\` again`);
      return 1;
    }
    if (state.kubeconfig) {
      await rm(state.kubeconfig, { force: true });
      deps.out(`✓ removed ${state.kubeconfig}`);
    }
  } else if (!nodesGone) {
    deps.out(`✗ some node could not be removed (see above); run \`k8ts down\` again`);
    return 1;
  }
  await removeStateDir(paths);
  return 0;
}
