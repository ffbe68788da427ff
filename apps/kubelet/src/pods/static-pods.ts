// Static pods (upstream config/file.go and mirror_client.go): every file in the manifest
// directory is one Pod the kubelet runs without the API. Its name gets the node's name appended,
// its uid is a hash of the manifest, the node and the file, so an edited manifest is a new pod.
// Each static pod has a mirror pod in the API — a read-only copy, owned by the Node and
// annotated `kubernetes.io/config.mirror`, which the kubelet never runs but reports status to.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyDefaults, canonicalJson } from '@k8ts/api';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { parse } from 'yaml';

export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror';
export const CONFIG_SOURCE = 'kubernetes.io/config.source';

export const isMirrorPod = (pod: Pod): boolean => pod.metadata?.annotations?.[CONFIG_MIRROR] !== undefined;
export const isStaticPod = (pod: Pod): boolean => pod.metadata?.annotations?.[CONFIG_SOURCE] === 'file';

export interface StaticPodFile {
  file: string;
  pod?: Pod;
  error?: string;
}

/** Turns one manifest into the pod the kubelet runs (upstream applyDefaults in config/common.go). */
export function staticPod(manifest: unknown, nodeName: string, file: string): Pod {
  if (!manifest || typeof manifest !== 'object' || (manifest as Pod).kind !== 'Pod') throw new Error('the manifest is not a v1 Pod');
  const given = manifest as Pod;
  if (!given.metadata?.name) throw new Error('metadata.name is required');
  const hash = createHash('md5').update(canonicalJson(given)).update(nodeName).update(file).digest('hex');
  const pod: Pod = {
    ...structuredClone(given),
    metadata: {
      ...structuredClone(given.metadata),
      name: `${given.metadata.name}-${nodeName}`,
      namespace: given.metadata.namespace || 'default',
      uid: hash,
      annotations: { ...given.metadata.annotations, [CONFIG_HASH]: hash, [CONFIG_SOURCE]: 'file' },
    },
    spec: {
      ...structuredClone(given.spec ?? { containers: [] }),
      nodeName,
      // Static pods tolerate every NoExecute taint: the node's own components must not be evicted.
      tolerations: [...(given.spec?.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }],
    },
    status: { phase: 'Pending' },
  };
  applyDefaults('Pod', pod);
  // applyDefaults includes ServiceAccount admission, which never sees a static pod: upstream's
  // names no service account unless its manifest does (upstream's API refuses a mirror pod naming one).
  if (!given.spec?.serviceAccountName && !given.spec?.serviceAccount) {
    delete pod.spec!.serviceAccountName;
    delete pod.spec!.serviceAccount;
  }
  return pod;
}

/** Every manifest in `dir` (dotfiles skipped); a file that does not parse is reported, not fatal. */
export async function readStaticPods(dir: string, nodeName: string): Promise<StaticPodFile[]> {
  let names: string[];
  try {
    // Regular files only (upstream skips directories and dotfiles).
    names = (await readdir(dir, { withFileTypes: true })).filter((e) => !e.name.startsWith('.') && !e.isDirectory()).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: StaticPodFile[] = [];
  for (const name of names) {
    const file = join(dir, name);
    try {
      out.push({ file, pod: staticPod(parse(await readFile(file, 'utf8')), nodeName, file) });
    } catch (err) {
      out.push({ file, error: (err as Error).message });
    }
  }
  return out;
}

/** The mirror pod to create for `pod`: same spec, the config annotations, owned by the Node. */
export function mirrorPod(pod: Pod, node: Node): Pod {
  const { uid: _uid, resourceVersion: _rv, ...meta } = structuredClone(pod.metadata ?? {});
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...meta,
      annotations: { ...meta.annotations, [CONFIG_MIRROR]: pod.metadata?.annotations?.[CONFIG_HASH] ?? '' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: node.metadata?.name ?? '', uid: node.metadata?.uid ?? '', controller: true }],
    },
    spec: structuredClone(pod.spec),
  };
}

/** Whether `mirror` is the current mirror of `pod` (an edited manifest needs a new one). */
export const mirrorMatches = (mirror: Pod, pod: Pod): boolean =>
  !mirror.metadata?.deletionTimestamp && mirror.metadata?.annotations?.[CONFIG_MIRROR] === pod.metadata?.annotations?.[CONFIG_HASH];
