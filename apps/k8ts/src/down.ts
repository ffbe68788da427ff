// `k8ts down`: stop every recorded component (process group, never by name), then remove the
// state directory and the kubeconfig `up` wrote. Running it again, or with nothing up, is a no-op.
import { rm } from 'node:fs/promises';
import { readState, statePaths } from './state.ts';
import { removeStateDir, stopComponents } from './stop.ts';

export interface DownDeps {
  out: (line: string) => void;
  graceMs?: number;
}

export async function down(stateDir: string, deps: DownDeps): Promise<number> {
  const paths = statePaths(stateDir);
  const state = await readState(paths);
  if (!state) {
    deps.out(`k8ts is not running (no state in ${paths.root})`);
  } else {
    await stopComponents(state.components, { out: deps.out, graceMs: deps.graceMs });
    if (state.kubeconfig) {
      await rm(state.kubeconfig, { force: true });
      deps.out(`✓ removed ${state.kubeconfig}`);
    }
  }
  await removeStateDir(paths);
  return 0;
}
