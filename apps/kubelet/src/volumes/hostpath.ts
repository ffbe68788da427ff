// hostPath volumes: nothing is mounted by the kubelet, the host path itself goes to the runtime.
// Set-up only validates it against `type` (creating it for the *OrCreate types), with upstream's
// error texts, which users see in FailedMount events.
import type { Stats } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import type { HostPathVolumeSource } from 'kubernetes-types/core/v1';
import { goSystemError, isErrno } from './errors.ts';

/** Upstream's names for what a path is (hostutil.FileType). */
export type FileType = 'Directory' | 'File' | 'Socket' | 'CharDevice' | 'BlockDevice';

const DESCRIPTIONS = {
  Directory: 'directory',
  File: 'file',
  Socket: 'socket file',
  CharDevice: 'character device',
  BlockDevice: 'block device',
} as const satisfies Record<FileType, string>;

function fileType(s: Stats): FileType {
  if (s.isDirectory()) return 'Directory';
  if (s.isFile()) return 'File';
  if (s.isSocket()) return 'Socket';
  if (s.isCharacterDevice()) return 'CharDevice';
  if (s.isBlockDevice()) return 'BlockDevice';
  throw new Error('only recognise file, directory, socket, block device and character device');
}

/** stat(2) following symlinks, undefined when nothing is there. */
async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await stat(path);
  } catch (e) {
    if (isErrno(e, 'ENOENT') || isErrno(e, 'ENOTDIR')) return undefined;
    throw goSystemError(e);
  }
}

async function expectType(path: string, expected: FileType): Promise<void> {
  const s = await statOrUndefined(path);
  if (!s) throw new Error(`hostPath ${path} doesn't exist`);
  let actual: FileType;
  try {
    actual = fileType(s);
  } catch (e) {
    throw new Error(`hostPath type check failed, ${path} is not a ${DESCRIPTIONS[expected]}, unable to determine its type: ${(e as Error).message}`);
  }
  if (actual !== expected) throw new Error(`hostPath type check failed: ${path} is not a ${DESCRIPTIONS[expected]}, it's a ${actual}`);
}

async function makeFile(path: string): Promise<void> {
  // As upstream: O_CREATE without creating parents, so a missing parent directory is an error.
  try {
    await (await open(path, 'a', 0o644)).close();
  } catch (e) {
    throw goSystemError(e);
  }
}

/** Validates (and for DirectoryOrCreate/FileOrCreate creates) a hostPath volume's path. */
export async function setUpHostPath(source: HostPathVolumeSource): Promise<void> {
  const { path } = source;
  if (path.split('/').includes('..')) throw new Error(`invalid HostPath \`${path}\`: must not contain '..'`);
  const type = source.type ?? '';
  switch (type) {
    case '':
      return;
    case 'DirectoryOrCreate':
      if (!(await statOrUndefined(path))) {
        await mkdir(path, { recursive: true, mode: 0o755 }).catch((e: unknown) => { throw goSystemError(e); });
        return;
      }
      return expectType(path, 'Directory');
    case 'Directory':
      return expectType(path, 'Directory');
    case 'FileOrCreate':
      if (!(await statOrUndefined(path))) return makeFile(path);
      return expectType(path, 'File');
    case 'File':
      return expectType(path, 'File');
    case 'Socket':
      return expectType(path, 'Socket');
    case 'CharDevice':
      return expectType(path, 'CharDevice');
    case 'BlockDevice':
      return expectType(path, 'BlockDevice');
    default:
      throw new Error(`${type} is an invalid volume type`);
  }
}
