// emptyDir directories, plain or tmpfs, and the size a memory-backed one gets. Every API-content
// volume (configMap, secret, downwardAPI, projected) sits on one of these, as upstream wraps them.
import { chmod, lstat, mkdir, realpath } from 'node:fs/promises';
import { parseQuantity } from '@k8ts/api';
import type { Container } from 'kubernetes-types/core/v1';
import type { Mounter } from './mounter.ts';
import type { PodLike } from './types.ts';

/** Containers may run as any user, so the directory is world-writable regardless of umask. */
const EMPTY_DIR_MODE = 0o777;

const memoryLimit = (c: Container): number | undefined => {
  const q = c.resources?.limits?.memory;
  return q === undefined ? undefined : parseQuantity(q);
};

/**
 * The pod's memory limit as its cgroup gets it: only when every container declares one; the
 * larger of the app containers' sum and the largest init container.
 */
export function podMemoryLimit(pod: PodLike): number | undefined {
  const containers = pod.spec?.containers ?? [];
  const inits = pod.spec?.initContainers ?? [];
  const app = containers.map(memoryLimit);
  const init = inits.map(memoryLimit);
  if ([...app, ...init].some((v) => v === undefined)) return undefined;
  const sum = (app as number[]).reduce((a, b) => a + b, 0);
  return Math.max(sum, ...(init as number[]));
}

/**
 * tmpfs size in bytes: node allocatable memory, lowered to the pod's memory limit and then to the
 * volume's sizeLimit when those are positive and smaller. Undefined leaves the kernel default.
 */
export function tmpfsSizeBytes(pod: PodLike, sizeLimit: string | undefined, nodeAllocatable: Readonly<Record<string, string>>): number | undefined {
  let size = nodeAllocatable.memory === undefined ? undefined : parseQuantity(nodeAllocatable.memory);
  for (const candidate of [podMemoryLimit(pod), sizeLimit === undefined ? undefined : parseQuantity(sizeLimit)]) {
    if (candidate !== undefined && candidate > 0 && (size === undefined || candidate <= size)) size = candidate;
  }
  return size === undefined ? undefined : Math.ceil(size);
}

/**
 * Creates `dir` (mode 0777) and, for memory-backed volumes, mounts tmpfs on it unless a mount is
 * already there (set-up runs again on every pod sync).
 */
export async function setUpEmptyDir(dir: string, memory: { sizeBytes: number | undefined } | undefined, mounter: Mounter): Promise<void> {
  await mkdir(dir, { recursive: true });
  if (!(await lstat(dir)).isDirectory()) throw new Error(`${dir} is not a directory`);
  // mountinfo names canonical paths; a symlinked root must not hide an existing mount.
  const real = await realpath(dir);
  if (memory) {
    const mounted = (await mounter.mountsUnder(real)).includes(real);
    if (!mounted) await mounter.mountTmpfs(real, memory.sizeBytes);
  }
  await chmod(real, EMPTY_DIR_MODE);
}
