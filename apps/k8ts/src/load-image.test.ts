import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadImage } from './load-image.ts';
import { statePaths } from './state.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'k8ts-load-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function withNodes(names: string[]): Promise<string> {
  const paths = statePaths(join(dir, 'state'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(paths.root, { recursive: true });
  const nodes = names.map((name, index) => ({ name, index, containerd: { pid: 1, command: 'containerd', log: '' } }));
  await writeFile(paths.stateFile, JSON.stringify({ version: 1, startedAt: '', stateDir: paths.root, components: [], nodes }));
  return paths.root;
}

describe('k8ts load-image', () => {
  it('imports the archive into every node\'s containerd, in node order', async () => {
    const stateDir = await withNodes(['k8ts-node-0', 'k8ts-node-1']);
    const archive = join(dir, 'app.tar');
    await writeFile(archive, 'x');
    const calls: string[] = [];
    const lines: string[] = [];
    const code = await loadImage(stateDir, archive, { out: (l) => lines.push(l), importImage: async (o) => void calls.push(o.socket) });
    expect(code).toBe(0);
    expect(calls).toEqual([join(stateDir, 'nodes', 'k8ts-node-0', 'containerd.sock'), join(stateDir, 'nodes', 'k8ts-node-1', 'containerd.sock')]);
    expect(lines[1]).toMatch(/^✓ .*app\.tar imported into k8ts-node-1 \(\d+\.\ds\)$/);
  });

  it('fails clearly for a missing archive, no nodes, or a runtime that refuses the image', async () => {
    const out: string[] = [];
    expect(await loadImage(join(dir, 'none'), join(dir, 'missing.tar'), { out: (l) => out.push(l) })).toBe(1);
    expect(out.pop()).toMatch(/missing\.tar: no such file$/);
    const archive = join(dir, 'app.tar');
    await writeFile(archive, 'x');
    expect(await loadImage(join(dir, 'none'), archive, { out: (l) => out.push(l) })).toBe(1);
    expect(out.pop()).toMatch(/^✗ no nodes are running from /);
    const stateDir = await withNodes(['k8ts-node-0']);
    const refuse = async () => { throw Object.assign(new Error('exit 1'), { stderr: 'ctr: unrecognized image format\n' }); };
    expect(await loadImage(stateDir, archive, { out: (l) => out.push(l), importImage: refuse })).toBe(1);
    expect(out.pop()).toBe('✗ k8ts-node-0: ctr: unrecognized image format');
  });
});
