// cleanupContainerd's cgroup handling on a stand-in cgroup root (plain directories): a node's
// whole subtree goes, its ancestors only once no other node's subtree is left in them.
import { mkdir, mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanupContainerd } from './cleanup.ts';

describe('cleanupContainerd cgroup parents', () => {
  let dir: string;
  let seams: { cgroupRoot: string; runContainerdDir: string; cniResultsDir: string; mountinfo: string; procDir: string };
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-cri-cleanup-'));
    seams = {
      cgroupRoot: join(dir, 'cgroup'),
      runContainerdDir: join(dir, 'run'),
      cniResultsDir: join(dir, 'results'),
      mountinfo: join(dir, 'mountinfo'),
      procDir: join(dir, 'proc'),
    };
    await writeFile(seams.mountinfo, '22 1 0:21 / / rw - ext4 /dev/vda rw\n');
    await mkdir(seams.procDir);
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const exists = (p: string) => stat(p).then(() => true, () => false);

  it.each([
    {
      name: 'the last node takes the shared parent with it',
      present: ['memory/k8ts/n0/kubepods/pod1', 'pids/k8ts/n0'],
      parents: ['/k8ts/n0'],
      gone: ['memory/k8ts', 'pids/k8ts'],
      kept: ['memory', 'pids'],
    },
    {
      name: 'another node keeps the shared parent',
      present: ['memory/k8ts/n0/kubepods', 'memory/k8ts/n1/kubepods'],
      parents: ['/k8ts/n0'],
      gone: ['memory/k8ts/n0'],
      kept: ['memory/k8ts/n1/kubepods'],
    },
    {
      name: 'a one-level parent leaves the controller root alone',
      present: ['cpu/k8ts-n0/x'],
      parents: ['k8ts-n0'],
      gone: ['cpu/k8ts-n0'],
      kept: ['cpu'],
    },
    {
      name: 'a parent that never existed is no error',
      present: ['memory/other'],
      parents: ['/k8ts/n9'],
      gone: [],
      kept: ['memory/other'],
    },
  ])('$name', async ({ present, parents, gone, kept }) => {
    for (const p of present) await mkdir(join(seams.cgroupRoot, p), { recursive: true });
    const nodeDir = join(dir, 'node');
    await mkdir(nodeDir);
    await cleanupContainerd({ nodeDir, cgroupParents: parents, ...seams });
    for (const p of gone) expect([p, await exists(join(seams.cgroupRoot, p))]).toEqual([p, false]);
    for (const p of kept) expect([p, await exists(join(seams.cgroupRoot, p))]).toEqual([p, true]);
    expect(await exists(nodeDir)).toBe(false);
  });
});
