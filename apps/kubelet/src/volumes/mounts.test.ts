import { mkdir, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { VolumeMount } from 'kubernetes-types/core/v1';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicWriter } from './atomic-writer.ts';
import { expandSubPathExpr, mountsFor } from './mounts.ts';
import { removeRoot, tempRoot } from './test-support.ts';
import type { VolumePath } from './types.ts';

let root = '';
let paths = new Map<string, VolumePath>();

beforeAll(async () => {
  root = await tempRoot('mounts');
  const data = join(root, 'data');
  const cfg = join(root, 'cfg');
  await mkdir(join(data, 'existing'), { recursive: true, mode: 0o777 });
  await writeFile(join(data, 'file.txt'), 'f');
  await mkdir(join(root, 'outside'));
  // Symlinks planted inside a volume, one leading out of it, one staying inside.
  await symlink(join(root, 'outside'), join(data, 'escape'));
  await symlink('/etc', join(data, 'etc'));
  await symlink('existing', join(data, 'inside'));
  await mkdir(cfg);
  await new AtomicWriter(cfg, () => new Date(0)).write(new Map([['key', { data: new TextEncoder().encode('v'), mode: 0o644 }]]));
  paths = new Map<string, VolumePath>([
    ['data', { kind: 'emptyDir', hostPath: data, readOnly: false }],
    ['cfg', { kind: 'configMap', hostPath: cfg, readOnly: true }],
    ['host', { kind: 'hostPath', hostPath: join(root, 'outside'), readOnly: false }],
  ]);
});
afterAll(async () => { await removeRoot(root); });

const one = async (m: Partial<VolumeMount>, env?: Record<string, string>) => {
  const mounts = await mountsFor({ name: 'app', volumeMounts: [{ name: 'data', mountPath: '/mnt', ...m }] }, paths, env ? { env } : {});
  return mounts[0]!;
};

describe('mountsFor', () => {
  it('maps volumeMounts in order with upstream defaults', async () => {
    const mounts = await mountsFor({
      name: 'app',
      volumeMounts: [
        { name: 'data', mountPath: '/data' },
        { name: 'cfg', mountPath: '/etc/app' },
        { name: 'host', mountPath: 'relative', readOnly: true, mountPropagation: 'HostToContainer' },
      ],
    }, paths);
    expect(mounts).toEqual([
      { container_path: '/data', host_path: join(root, 'data'), readonly: false, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE', recursive_read_only: false },
      { container_path: '/etc/app', host_path: join(root, 'cfg'), readonly: true, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE', recursive_read_only: false },
      { container_path: '/relative', host_path: join(root, 'outside'), readonly: true, selinux_relabel: false, propagation: 'PROPAGATION_HOST_TO_CONTAINER', recursive_read_only: false },
    ]);
  });

  it.each([
    { name: 'existing directory', mount: { subPath: 'existing' }, host: 'data/existing' },
    { name: 'a file', mount: { subPath: 'file.txt' }, host: 'data/file.txt' },
    { name: 'a symlink that stays inside resolves', mount: { subPath: 'inside' }, host: 'data/existing' },
    { name: 'subPathExpr expands the environment', mount: { subPathExpr: '$(POD)/logs' }, host: 'data/web-1/logs', env: { POD: 'web-1' } },
  ])('subPath: $name', async ({ mount, host, env }) => {
    expect((await one(mount, env)).host_path).toBe(join(root, host));
  });

  it('subPath into a configMap key resolves through ..data and stays read-only', async () => {
    const m = (await mountsFor({ name: 'app', volumeMounts: [{ name: 'cfg', mountPath: '/k', subPath: 'key' }] }, paths))[0]!;
    expect(m.host_path).toMatch(new RegExp(`^${join(root, 'cfg')}/\\.\\.1970_01_01_00_00_00\\.\\w+/key$`));
    expect(m.readonly).toBe(true);
  });

  it('creates a missing subPath with the volume directory mode', async () => {
    const m = await one({ subPath: 'new/deeper' });
    expect(m.host_path).toBe(join(root, 'data/new/deeper'));
    expect((await stat(m.host_path)).mode & 0o777).toBe((await stat(join(root, 'data'))).mode & 0o777);
  });

  it.each([
    { name: 'absolute subPath', mount: { subPath: '/etc' }, error: 'error SubPath `/etc` must not be an absolute path' },
    { name: 'backsteps', mount: { subPath: 'a/../../outside' }, error: "unable to provision SubPath `a/../../outside`: must not contain '..'" },
    { name: 'symlink out of the volume', mount: { subPath: 'escape' }, error: 'failed to prepare subPath for volumeMount "data" of container "app"' },
    { name: 'symlink to /etc', mount: { subPath: 'etc/passwd' }, error: 'failed to prepare subPath for volumeMount "data" of container "app"' },
    { name: 'creating through an escaping symlink', mount: { subPath: 'escape/new' }, error: 'failed to create subPath directory for volumeMount "data" of container "app"' },
    { name: 'unknown volume', mount: { name: 'nope' }, error: 'cannot find volume "nope" to mount into container "app"' },
    { name: 'bad propagation', mount: { mountPropagation: 'Sideways' }, error: 'invalid MountPropagation mode: "Sideways"' },
    { name: 'subPathExpr with a missing variable', mount: { subPathExpr: '$(A)/$(B)' }, error: 'missing value for A, B' },
  ])('refuses $name', async ({ mount, error }) => {
    await expect(one(mount)).rejects.toThrow(error);
  });

  it('never creates anything outside the volume', async () => {
    await one({ subPath: 'escape/new' }).catch(() => undefined);
    await expect(stat(join(root, 'outside/new'))).rejects.toThrow(/ENOENT/);
  });
});

describe('expandSubPathExpr', () => {
  it.each([
    { name: 'variables', expr: '$(A)-$(B)', want: 'x-y' },
    { name: 'escaped dollar', expr: '$$(A)', want: '$(A)' },
    { name: 'unclosed reference kept', expr: '$(A', want: '$(A' },
    { name: 'lone dollar kept', expr: 'a$b$', want: 'a$b$' },
  ])('$name', ({ expr, want }) => expect(expandSubPathExpr(expr, { A: 'x', B: 'y' })).toBe(want));
});
