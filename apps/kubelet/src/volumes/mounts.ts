// A container's volumeMounts as CRI mounts (upstream's makeMounts for the volume part). subPath
// is resolved under the volume with every symlink evaluated, and refused when the result leaves
// the volume, so a container cannot reach host files through a crafted subPath.
import { chmod, mkdir, realpath, stat } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { Mount, MountPropagation } from '@k8ts/cri';
import type { Container, VolumeMount } from 'kubernetes-types/core/v1';
import { isErrno } from './errors.ts';
import type { VolumePaths } from './types.ts';

export interface MountsForOptions {
  /** The container's resolved environment, for subPathExpr. */
  env?: Readonly<Record<string, string>>;
}

const PROPAGATION: Record<string, MountPropagation> = {
  None: 'PROPAGATION_PRIVATE',
  HostToContainer: 'PROPAGATION_HOST_TO_CONTAINER',
  Bidirectional: 'PROPAGATION_BIDIRECTIONAL',
};

/** `$(NAME)` references replaced from `env`, `$$` as a literal `$`; missing or empty names are an error. */
export function expandSubPathExpr(expr: string, env: Readonly<Record<string, string>>): string {
  const missing = new Set<string>();
  let out = '';
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    const next = expr[i + 1];
    if (ch !== '$' || next === undefined) out += ch;
    else if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(' && expr.indexOf(')', i + 2) > 0) {
      const end = expr.indexOf(')', i + 2);
      const name = expr.slice(i + 2, end);
      const value = env[name];
      if (!value) missing.add(name);
      out += value ?? '';
      i = end;
    } else out += ch;
  }
  if (missing.size > 0) throw new Error(`missing value for ${[...missing].sort().join(', ')}`);
  return out;
}

const within = (path: string, base: string) => {
  const rel = relative(base, path);
  // `..data/key` is inside; only `..` as a whole segment steps out.
  return rel !== '..' && !rel.startsWith('../') && !rel.startsWith('/');
};

/** Creates the missing directories of `sub` under `base` one by one, never stepping outside it. */
async function safeMakeDir(base: string, sub: string, mode: number): Promise<void> {
  let current = base;
  for (const segment of sub.split('/').filter((s) => s !== '' && s !== '.')) {
    const next = join(current, segment);
    try {
      await mkdir(next, { mode });
      await chmod(next, mode);
    } catch (e) {
      if (!isErrno(e, 'EEXIST')) throw e;
    }
    const real = await realpath(next);
    if (!within(real, base)) throw new Error(`${next} is outside of allowed base ${base}`);
    current = real;
  }
}

/** The host path a subPath mount binds: resolved, inside the volume, created (with the volume's mode) when missing. */
async function resolveSubPath(volumePath: string, subPath: string, m: VolumeMount, containerName: string): Promise<string> {
  if (subPath.startsWith('/')) throw new Error(`error SubPath \`${subPath}\` must not be an absolute path`);
  if (subPath.split('/').includes('..')) throw new Error(`unable to provision SubPath \`${subPath}\`: must not contain '..'`);
  // Details stay out of the message: they could tell the user about the host's filesystem.
  const base = await realpath(volumePath).catch(() => {
    throw new Error(`failed to prepare subPath for volumeMount "${m.name}" of container "${containerName}"`);
  });
  const candidate = join(base, subPath);
  const present = await stat(candidate).then(() => true, () => false);
  if (!present) {
    const mode = (await stat(base)).mode & 0o7777;
    await safeMakeDir(base, subPath, mode).catch(() => {
      throw new Error(`failed to create subPath directory for volumeMount "${m.name}" of container "${containerName}"`);
    });
  }
  const resolved = await realpath(candidate).catch(() => '');
  if (!resolved || !within(resolved, base)) {
    throw new Error(`failed to prepare subPath for volumeMount "${m.name}" of container "${containerName}"`);
  }
  return resolved;
}

/** CRI mounts for `container`'s volumeMounts, in order, from the volumes `setUpPodVolumes` returned. */
export async function mountsFor(container: Container, volumePaths: VolumePaths, options: MountsForOptions = {}): Promise<Mount[]> {
  const mounts: Mount[] = [];
  for (const m of container.volumeMounts ?? []) {
    const vol = volumePaths.get(m.name);
    if (!vol) throw new Error(`cannot find volume "${m.name}" to mount into container "${container.name}"`);
    const propagation = PROPAGATION[m.mountPropagation ?? 'None'];
    if (!propagation) throw new Error(`invalid MountPropagation mode: "${m.mountPropagation}"`);
    if (m.recursiveReadOnly === 'Enabled') {
      throw new Error(`volume "${m.name}" requested recursive read-only mode, which this runtime does not support`);
    }
    let hostPath = vol.hostPath;
    const subPath = m.subPathExpr ? expandSubPathExpr(m.subPathExpr, options.env ?? {}) : (m.subPath ?? '');
    if (subPath !== '') hostPath = await resolveSubPath(vol.hostPath, subPath, m, container.name);
    mounts.push({
      container_path: m.mountPath.startsWith('/') ? m.mountPath : `/${m.mountPath}`,
      host_path: hostPath,
      readonly: (m.readOnly ?? false) || vol.readOnly,
      selinux_relabel: false,
      propagation,
      recursive_read_only: false,
    });
  }
  return mounts;
}
