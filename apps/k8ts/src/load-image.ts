// `k8ts load-image ARCHIVE`: there is no registry to pull from, so images reach the nodes the way
// kind's `load docker-image` does — the archive (OCI layout or `docker save`) is imported into
// every node's containerd, in the k8s.io namespace the CRI reads.
import { access } from 'node:fs/promises';
import { containerdPaths, importImage } from '@k8ts/cri';
import { join } from 'node:path';
import { readState, statePaths } from './state.ts';

export interface LoadImageDeps {
  out: (line: string) => void;
  /** Test seam; default importImage (ctr images import). */
  importImage?: (o: { socket: string; archivePath: string }) => Promise<void>;
}

export async function loadImage(stateDir: string, archive: string, deps: LoadImageDeps): Promise<number> {
  try {
    await access(archive);
  } catch {
    deps.out(`✗ ${archive}: no such file`);
    return 1;
  }
  const paths = statePaths(stateDir);
  const nodes = (await readState(paths))?.nodes ?? [];
  if (nodes.length === 0) {
    deps.out(`✗ no nodes are running from ${paths.root} (start them with \`k8ts up --nodes N\`)`);
    return 1;
  }
  const load = deps.importImage ?? importImage;
  for (const node of nodes) {
    const socket = containerdPaths(join(paths.nodes, node.name)).socket;
    const t0 = Date.now();
    try {
      await load({ socket, archivePath: archive });
    } catch (err) {
      deps.out(`✗ ${node.name}: ${((err as { stderr?: string }).stderr || (err as Error).message).trim()}`);
      return 1;
    }
    deps.out(`✓ ${archive} imported into ${node.name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
  }
  return 0;
}
