// Test support: a private temporary root per test file that is always unmounted and removed,
// even when a test failed half-way with a tmpfs still mounted below it.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { mountsUnder } from '@k8ts/cri';

const run = promisify(execFile);

export async function tempRoot(prefix: string): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), `k8ts-${prefix}-`)));
}

export async function mountsBelow(root: string): Promise<string[]> {
  return mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), root);
}

export async function removeRoot(root: string): Promise<void> {
  for (const m of await mountsBelow(root)) await run('umount', [m]).catch(() => run('umount', ['-l', m]));
  await rm(root, { recursive: true, force: true });
}
