// The mount side effects of volumes as a port: the kubelet mounts tmpfs for memory-backed
// emptyDirs (and, as upstream, for secret/downwardAPI/projected volumes) and unmounts them on
// tear-down. `hostMounter` runs mount(8)/umount(8); `FakeMounter` only records.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { mountsUnder } from '@k8ts/cri';

const run = promisify(execFile);

export interface Mounter {
  /** `mount -t tmpfs [-o size=<bytes>] tmpfs <target>`; the target directory must exist. */
  mountTmpfs(target: string, sizeBytes?: number): Promise<void>;
  unmount(target: string): Promise<void>;
  /** Mount points at or below `dir`, deepest first. */
  mountsUnder(dir: string): Promise<string[]>;
}

const stderrOf = (e: unknown): string => {
  const err = e as { stderr?: string; message?: string };
  return (err.stderr || err.message || String(e)).trim();
};

export function hostMounter(mountinfo = '/proc/self/mountinfo'): Mounter {
  return {
    async mountTmpfs(target, sizeBytes) {
      const options = sizeBytes !== undefined && sizeBytes > 0 ? ['-o', `size=${sizeBytes}`] : [];
      try {
        await run('mount', ['-t', 'tmpfs', ...options, 'tmpfs', target]);
      } catch (e) {
        throw new Error(`mount failed: ${stderrOf(e)}`);
      }
    },
    async unmount(target) {
      try {
        await run('umount', [target]);
      } catch (e) {
        throw new Error(`unmount failed: ${stderrOf(e)}`);
      }
    },
    async mountsUnder(dir) {
      return mountsUnder(await readFile(mountinfo, 'utf8'), dir);
    },
  };
}

/** Records tmpfs mounts without touching the system: for hollow nodes and unit tests. */
export class FakeMounter implements Mounter {
  readonly mounts = new Map<string, { sizeBytes: number | undefined }>();
  readonly calls: string[] = [];

  async mountTmpfs(target: string, sizeBytes?: number): Promise<void> {
    this.calls.push(`mount ${target}${sizeBytes ? ` size=${sizeBytes}` : ''}`);
    this.mounts.set(target, { sizeBytes });
  }

  async unmount(target: string): Promise<void> {
    this.calls.push(`unmount ${target}`);
    if (!this.mounts.delete(target)) throw new Error(`unmount failed: umount: ${target}: not mounted.`);
  }

  async mountsUnder(dir: string): Promise<string[]> {
    const base = dir.replace(/\/+$/, '');
    return [...this.mounts.keys()]
      .filter((p) => p === base || p.startsWith(`${base}/`))
      .sort((a, b) => b.length - a.length);
  }
}
