// Projects a set of files into a directory so that a reader sees either the old set or the new
// one, never a mix (upstream's pkg/volume/util/atomic_writer.go scheme):
//
//   <dir>/..2024_01_02_03_04_05.Ab12Cd/   the real files of one version
//   <dir>/..data -> ..2024_01_02_03_04_05.Ab12Cd
//   <dir>/<top-level name> -> ..data/<top-level name>
//
// An update writes a fresh timestamped directory, points `..data_tmp` at it and renames that over
// `..data` — one rename(2), so the switch is atomic — then prunes stale visible links and the old
// directory. Names starting with `..` are reserved. Callers serialise writes to one directory.
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';
import { isErrno } from './errors.ts';

export interface FileProjection {
  data: Uint8Array;
  /** Permission bits, e.g. 0o644. */
  mode: number;
}

export type Payload = ReadonlyMap<string, FileProjection>;

export const DATA_DIR_NAME = '..data';
export const NEW_DATA_DIR_NAME = '..data_tmp';
const MAX_PATH_LENGTH = 4096;
const MAX_FILE_NAME_LENGTH = 255;

/** Throws for a path the writer may not create (upstream's messages). */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error(`invalid path: must not be empty: ""`);
  if (p.startsWith('/')) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.length > MAX_PATH_LENGTH) throw new Error(`invalid path: must be less than or equal to ${MAX_PATH_LENGTH} characters`);
  const parts = p.split('/');
  for (const part of parts) {
    if (part === '..') throw new Error(`invalid path: must not contain '..': ${p}`);
    if (part.length > MAX_FILE_NAME_LENGTH) {
      throw new Error(`invalid path: filenames must be less than or equal to ${MAX_FILE_NAME_LENGTH} characters`);
    }
  }
  if (parts[0]!.startsWith('..') && parts[0]!.length > 2) throw new Error(`invalid path: must not start with '..': ${p}`);
}

function cleanPayload(payload: Payload): Map<string, FileProjection> {
  const clean = new Map<string, FileProjection>();
  for (const [p, file] of payload) {
    validatePayloadPath(p);
    clean.set(posix.normalize(p).replace(/\/+$/, ''), file);
  }
  return clean;
}

/** `..YYYY_MM_DD_HH_MM_SS.` in UTC, the prefix of every version directory. */
export function timestampPrefix(d: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `..${d.getUTCFullYear()}_${two(d.getUTCMonth() + 1)}_${two(d.getUTCDate())}_${two(d.getUTCHours())}_${two(d.getUTCMinutes())}_${two(d.getUTCSeconds())}.`;
}

/** Every path below `dir`, relative, directories included. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await walk(dir, rel)));
  }
  return out;
}

async function differs(file: string, data: Uint8Array): Promise<boolean> {
  try {
    return !Buffer.from(data).equals(await readFile(file));
  } catch (e) {
    if (isErrno(e, 'ENOENT')) return true;
    throw e;
  }
}

export class AtomicWriter {
  constructor(
    readonly targetDir: string,
    private readonly now: () => Date,
  ) {}

  /** Writes `payload` unless the current version already holds it; true when the files changed. */
  async write(payload: Payload): Promise<boolean> {
    const files = cleanPayload(payload);
    const dataDir = join(this.targetDir, DATA_DIR_NAME);
    const oldVersion = await readlink(dataDir).catch((e: unknown) => {
      if (isErrno(e, 'ENOENT')) return '';
      throw e;
    });

    let stale = new Set<string>();
    if (oldVersion) {
      const oldDir = join(this.targetDir, oldVersion);
      stale = await this.stalePaths(files, oldDir);
      let changed = stale.size > 0;
      for (const [p, file] of files) {
        if (changed) break;
        changed = await differs(join(oldDir, p), file.data);
      }
      if (!changed) return false;
    }

    const versionDir = await mkdtemp(join(this.targetDir, timestampPrefix(this.now())));
    try {
      // Group and other must be able to traverse whatever the umask.
      await chmod(versionDir, 0o755);
      for (const [p, file] of files) {
        const full = join(versionDir, p);
        await mkdir(dirname(full), { recursive: true });
        await writeFile(full, file.data, { mode: file.mode });
        await chmod(full, file.mode);
      }
      const tmpLink = join(this.targetDir, NEW_DATA_DIR_NAME);
      await rm(tmpLink, { force: true });
      await symlink(basename(versionDir), tmpLink);
      await rename(tmpLink, dataDir);
    } catch (e) {
      await rm(join(this.targetDir, NEW_DATA_DIR_NAME), { force: true });
      await rm(versionDir, { recursive: true, force: true });
      throw e;
    }

    await this.linkVisible(files);
    for (const p of stale) {
      if (!p.includes('/')) await rm(join(this.targetDir, p), { force: true });
    }
    if (oldVersion) await rm(join(this.targetDir, oldVersion), { recursive: true, force: true });
    return true;
  }

  /** Paths of the old version that the new payload neither holds nor needs as a parent directory. */
  private async stalePaths(files: Map<string, FileProjection>, oldDir: string): Promise<Set<string>> {
    const existing = await walk(oldDir).catch((e: unknown) => {
      if (isErrno(e, 'ENOENT')) return [];
      throw e;
    });
    const kept = new Set<string>();
    for (const p of files.keys()) {
      for (let q = p; q !== '.' && q !== ''; q = posix.dirname(q)) kept.add(q);
    }
    return new Set(existing.filter((p) => !kept.has(p)));
  }

  /** `<dir>/<first segment>` -> `..data/<first segment>` for each payload path that lacks one. */
  private async linkVisible(files: Map<string, FileProjection>): Promise<void> {
    const tops = new Set([...files.keys()].map((p) => p.split('/')[0]!));
    for (const top of tops) {
      const visible = join(this.targetDir, top);
      const present = await lstat(visible).then(() => true, (e: unknown) => {
        if (isErrno(e, 'ENOENT')) return false;
        throw e;
      });
      if (!present) await symlink(posix.join(DATA_DIR_NAME, top), visible);
    }
  }
}
