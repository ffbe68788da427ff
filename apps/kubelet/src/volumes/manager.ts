// Sets up, refreshes and tears down a pod's volumes in upstream's layout:
//   <root>/pods/<uid>/volumes/kubernetes.io~<plugin>/<volume name>
// Set-up is idempotent and meant to run on every pod sync: existing directories and mounts are
// kept, API content is rewritten only when it changed. Calls for one pod must be serialised.
import { lstat, readdir, realpath, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Volume } from 'kubernetes-types/core/v1';
import { AtomicWriter, type FileProjection } from './atomic-writer.ts';
import { downwardPayload } from './downward.ts';
import { setUpEmptyDir, tmpfsSizeBytes } from './emptydir.ts';
import { aggregate, isErrno, setUpFailure } from './errors.ts';
import { setUpHostPath } from './hostpath.ts';
import { hostMounter, type Mounter } from './mounter.ts';
import { configMapPayload, DEFAULT_MODE, getConfigMap, getSecret, secretPayload } from './payload.ts';
import { projectedPayload } from './projected.ts';
import {
  CONTENT_KINDS, PLUGIN_DIRS, type PodLike, type RefreshResult, type SetUpOptions, type SetUpResult, type VolumeFailure,
  type VolumeKind, type VolumePath,
} from './types.ts';

interface Context extends Required<Omit<SetUpOptions, 'nodeAllocatable'>> {
  pod: PodLike;
  allocatable: Readonly<Record<string, string>>;
}

interface Outcome {
  path: VolumePath;
  changed: boolean;
  warnings: string[];
}

export function volumeKind(v: Volume): VolumeKind | undefined {
  if (v.emptyDir) return 'emptyDir';
  if (v.hostPath) return 'hostPath';
  if (v.configMap) return 'configMap';
  if (v.secret) return 'secret';
  if (v.downwardAPI) return 'downwardAPI';
  if (v.projected) return 'projected';
  return undefined;
}

export const volumeDir = (podDir: string, kind: keyof typeof PLUGIN_DIRS, name: string) =>
  join(podDir, 'volumes', PLUGIN_DIRS[kind], name);

const exists = (p: string) => lstat(p).then(() => true, () => false);

/** Removes a volume directory after unmounting everything below it; never recurses into a mount. */
async function removeVolumeDir(dir: string, mounter: Mounter): Promise<string[]> {
  // A symlink in place of a volume directory is removed as a link: resolving it could point the
  // unmount loop at mounts that are not ours.
  const st = await lstat(dir).catch(() => undefined);
  if (!st?.isDirectory()) {
    await rm(dir, { force: true });
    return [];
  }
  const real = join(await realpath(dirname(dir)), basename(dir));
  const mounts = await mounter.mountsUnder(real);
  for (const m of mounts) await mounter.unmount(m);
  const left = await mounter.mountsUnder(real);
  if (left.length > 0) throw new Error(`volume directory ${dir} still has mounts: ${left.join(', ')}`);
  await rm(dir, { recursive: true, force: true });
  return mounts;
}

/** Writes API content into a (possibly memory-backed) directory through the atomic writer. */
async function writeContent(ctx: Context, kind: 'configMap' | 'secret' | 'downwardAPI' | 'projected', name: string, payload: Map<string, FileProjection>): Promise<Outcome> {
  const dir = volumeDir(ctx.podDir, kind, name);
  const fresh = !(await exists(dir));
  const memoryBacked = kind !== 'configMap' && ctx.memoryBackedContent;
  try {
    await setUpEmptyDir(dir, memoryBacked ? { sizeBytes: tmpfsSizeBytes(ctx.pod, undefined, ctx.allocatable) } : undefined, ctx.mounter);
    const changed = await new AtomicWriter(dir, ctx.now).write(payload);
    return { path: { kind, hostPath: dir, readOnly: true }, changed, warnings: [] };
  } catch (e) {
    // A first set-up that fails leaves nothing behind; an existing volume keeps its old content.
    if (fresh) await removeVolumeDir(dir, ctx.mounter).catch(() => undefined);
    throw e;
  }
}

async function setUpVolume(ctx: Context, v: Volume): Promise<Outcome> {
  const namespace = ctx.pod.metadata?.namespace ?? '';
  if (v.emptyDir) {
    const dir = volumeDir(ctx.podDir, 'emptyDir', v.name);
    const medium = v.emptyDir.medium ?? '';
    if (medium !== '' && medium !== 'Memory') throw new Error(`emptyDir medium "${medium}" is not supported on this node`);
    const memory = medium === 'Memory' ? { sizeBytes: tmpfsSizeBytes(ctx.pod, v.emptyDir.sizeLimit, ctx.allocatable) } : undefined;
    const fresh = !(await exists(dir));
    await setUpEmptyDir(dir, memory, ctx.mounter);
    return { path: { kind: 'emptyDir', hostPath: dir, readOnly: false }, changed: fresh, warnings: [] };
  }
  if (v.hostPath) {
    await setUpHostPath(v.hostPath);
    return { path: { kind: 'hostPath', hostPath: v.hostPath.path, readOnly: false }, changed: false, warnings: [] };
  }
  if (v.configMap) {
    const optional = v.configMap.optional ?? false;
    const values = await getConfigMap(ctx.sources, namespace, v.configMap.name ?? '', optional);
    return writeContent(ctx, 'configMap', v.name, configMapPayload(values, v.configMap.items, v.configMap.defaultMode ?? DEFAULT_MODE, optional));
  }
  if (v.secret) {
    const optional = v.secret.optional ?? false;
    const values = await getSecret(ctx.sources, namespace, v.secret.secretName ?? '', optional);
    return writeContent(ctx, 'secret', v.name, secretPayload(values, v.secret.items, v.secret.defaultMode ?? DEFAULT_MODE, optional));
  }
  if (v.downwardAPI) {
    const payload = downwardPayload(ctx.pod, v.downwardAPI.items, v.downwardAPI.defaultMode ?? DEFAULT_MODE, ctx.allocatable);
    return writeContent(ctx, 'downwardAPI', v.name, payload);
  }
  if (v.projected) {
    const { payload, warnings } = await projectedPayload(v.name, v.projected, ctx.pod, ctx.sources, ctx.allocatable);
    return { ...(await writeContent(ctx, 'projected', v.name, payload)), warnings };
  }
  throw new Error('no volume plugin matched');
}

function context(pod: PodLike, o: SetUpOptions): Context {
  return {
    pod,
    podDir: o.podDir,
    sources: o.sources,
    now: o.now,
    mounter: o.mounter ?? hostMounter(),
    allocatable: o.nodeAllocatable ?? {},
    memoryBackedContent: o.memoryBackedContent ?? true,
  };
}

async function run(pod: PodLike, o: SetUpOptions, only?: ReadonlySet<VolumeKind>) {
  const ctx = context(pod, o);
  const paths = new Map<string, VolumePath>();
  const updated: string[] = [];
  const failures: VolumeFailure[] = [];
  const warnings: string[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    const kind = volumeKind(v);
    if (only && (!kind || !only.has(kind))) continue;
    try {
      const outcome = await setUpVolume(ctx, v);
      paths.set(v.name, outcome.path);
      if (outcome.changed) updated.push(v.name);
      warnings.push(...outcome.warnings);
    } catch (e) {
      failures.push(setUpFailure(v.name, e));
    }
  }
  return { paths, updated, failures, warnings };
}

/**
 * Sets up every volume of the pod. Volumes that fail are reported (with upstream's FailedMount
 * text) and the others are still set up; the caller starts no container while any failed.
 */
export async function setUpPodVolumes(pod: PodLike, options: SetUpOptions): Promise<SetUpResult> {
  const { paths, failures, warnings } = await run(pod, options);
  return { paths, failures, warnings };
}

/** Rewrites configMap, secret, downwardAPI and projected content that changed since the last write. */
export async function refreshPodVolumes(pod: PodLike, options: SetUpOptions): Promise<RefreshResult> {
  const { updated, failures, warnings } = await run(pod, options, CONTENT_KINDS);
  return { updated, failures, warnings };
}

export interface TearDownResult {
  /** `<plugin dir>/<volume>` for every volume directory removed. */
  removed: string[];
  unmounted: string[];
}

/**
 * Unmounts and removes every volume directory on disk under `podDir` (whatever the spec says
 * now, so orphans go too). hostPath volumes have no directory and are never touched. `podDir`
 * must be this pod's: its last segment is the pod's UID.
 */
export async function tearDownPodVolumes(pod: PodLike, podDir: string, mounter: Mounter = hostMounter()): Promise<TearDownResult> {
  const uid = pod.metadata?.uid;
  if (!uid || basename(podDir) !== uid) throw new Error(`pod directory ${podDir} does not belong to pod UID "${uid ?? ''}"`);
  const volumesDir = join(podDir, 'volumes');
  const result: TearDownResult = { removed: [], unmounted: [] };
  const errors: Error[] = [];
  const list = (dir: string) => readdir(dir).catch((e: unknown) => {
    if (isErrno(e, 'ENOENT')) return [] as string[];
    throw e;
  });
  for (const plugin of await list(volumesDir)) {
    for (const name of await list(join(volumesDir, plugin))) {
      try {
        result.unmounted.push(...(await removeVolumeDir(join(volumesDir, plugin, name), mounter)));
        result.removed.push(`${plugin}/${name}`);
      } catch (e) {
        errors.push(e as Error);
      }
    }
    await rmdir(join(volumesDir, plugin)).catch(() => undefined);
  }
  await rmdir(volumesDir).catch(() => undefined);
  const err = aggregate(errors);
  if (err) throw err;
  return result;
}
