import { lstat, mkdir, readdir, readFile, readlink, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AtomicWriter, timestampPrefix, validatePayloadPath, type FileProjection } from './atomic-writer.ts';
import { removeRoot, tempRoot } from './test-support.ts';

const enc = new TextEncoder();
const files = (entries: Record<string, string | [string, number]>): Map<string, FileProjection> =>
  new Map(Object.entries(entries).map(([p, v]) => {
    const [text, mode] = typeof v === 'string' ? [v, 0o644] : v;
    return [p, { data: enc.encode(text), mode }];
  }));

let root = '';
let n = 0;
const freshDir = async () => {
  const dir = join(root, `w${n++}`);
  await mkdir(dir);
  return dir;
};
const clock = () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5));

beforeAll(async () => { root = await tempRoot('atomic'); });
afterAll(async () => { await removeRoot(root); });

describe('validatePayloadPath', () => {
  it.each([
    { name: 'empty', path: '', error: 'invalid path: must not be empty: ""' },
    { name: 'absolute', path: '/etc/passwd', error: 'invalid path: must be relative path: /etc/passwd' },
    { name: 'backstep', path: 'a/../../b', error: "invalid path: must not contain '..': a/../../b" },
    { name: 'reserved prefix', path: '..data', error: "invalid path: must not start with '..': ..data" },
    { name: 'long file name', path: `a/${'x'.repeat(256)}`, error: 'invalid path: filenames must be less than or equal to 255 characters' },
    { name: 'long path', path: 'a/'.repeat(2049), error: 'invalid path: must be less than or equal to 4096 characters' },
    { name: 'nested ok', path: 'a/b/c', error: undefined },
    { name: 'dots inside a name ok', path: 'a..b', error: undefined },
  ])('$name', ({ path, error }) => {
    if (error) expect(() => validatePayloadPath(path)).toThrow(error);
    else expect(() => validatePayloadPath(path)).not.toThrow();
  });
});

describe('AtomicWriter', () => {
  it('names version directories after the injected clock in UTC', () => {
    expect(timestampPrefix(clock())).toBe('..2024_01_02_03_04_05.');
  });

  it('writes files into a timestamped directory behind ..data with visible links and modes', async () => {
    const dir = await freshDir();
    expect(await new AtomicWriter(dir, clock).write(files({ a: 'A', 'sub/b': ['B', 0o400], 'sub/deep/c': 'C' }))).toBe(true);

    const version = await readlink(join(dir, '..data'));
    expect(version).toMatch(/^\.\.2024_01_02_03_04_05\.\w+$/);
    expect((await stat(join(dir, version))).mode & 0o777).toBe(0o755);
    expect(await readlink(join(dir, 'a'))).toBe('..data/a');
    expect(await readlink(join(dir, 'sub'))).toBe('..data/sub');
    expect(await readFile(join(dir, 'sub/deep/c'), 'utf8')).toBe('C');
    expect((await stat(join(dir, 'sub/b'))).mode & 0o777).toBe(0o400);
    expect((await stat(join(dir, 'a'))).mode & 0o777).toBe(0o644);
    expect((await readdir(dir)).sort()).toEqual(['..data', 'a', 'sub', version].sort());
  });

  it('swaps versions: new content visible, removed files and the old version gone', async () => {
    const dir = await freshDir();
    const w = new AtomicWriter(dir, clock);
    await w.write(files({ a: 'A1', gone: 'G', 'sub/x': 'X', 'sub/y': 'Y' }));
    const first = await readlink(join(dir, '..data'));

    expect(await w.write(files({ a: 'A2', 'sub/x': 'X', added: 'N' }))).toBe(true);
    const second = await readlink(join(dir, '..data'));
    expect(second).not.toBe(first);
    expect(await readFile(join(dir, 'a'), 'utf8')).toBe('A2');
    expect(await readFile(join(dir, 'added'), 'utf8')).toBe('N');
    await expect(lstat(join(dir, 'gone'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(join(dir, 'sub/y'))).rejects.toThrow(/ENOENT/);
    await expect(lstat(join(dir, first))).rejects.toThrow(/ENOENT/);
    expect((await readdir(dir)).sort()).toEqual(['..data', 'a', 'added', 'sub', second].sort());
  });

  it('leaves everything alone when the payload is unchanged', async () => {
    const dir = await freshDir();
    const w = new AtomicWriter(dir, clock);
    await w.write(files({ a: 'A' }));
    const before = await readlink(join(dir, '..data'));
    expect(await w.write(files({ a: 'A' }))).toBe(false);
    expect(await readlink(join(dir, '..data'))).toBe(before);
  });

  it('writes an empty version (an optional source that is missing)', async () => {
    const dir = await freshDir();
    expect(await new AtomicWriter(dir, clock).write(new Map())).toBe(true);
    const version = await readlink(join(dir, '..data'));
    expect(await readdir(join(dir, version))).toEqual([]);
  });

  it('rejects an invalid payload before touching the directory', async () => {
    const dir = await freshDir();
    await expect(new AtomicWriter(dir, clock).write(files({ '../escape': 'x' }))).rejects.toThrow("must not contain '..'");
    expect(await readdir(dir)).toEqual([]);
  });

  it('never shows a reader a mix of versions: ..data changes target in one step', async () => {
    const dir = await freshDir();
    const w = new AtomicWriter(dir, clock);
    const version = (i: number) => files({ a: `a${i}`, b: `b${i}`, 'n/c': `c${i}` });
    await w.write(version(0));

    // A reader that resolves ..data once, then reads every file of that version, running
    // interleaved with the writer's asynchronous steps.
    const seen: string[] = [];
    const targets: string[] = [];
    let done = false;
    const reader = (async () => {
      while (!done) {
        const target = await readlink(join(dir, '..data'));
        if (targets.at(-1) !== target) targets.push(target);
        try {
          const read = await Promise.all(['a', 'b', 'n/c'].map((f) => readFile(join(dir, target, f), 'utf8')));
          seen.push(read.map((s) => s.slice(1)).join(','));
        } catch (e) {
          // The old version may be pruned after we resolved it; a reader retries then.
          expect(String(e)).toMatch(/ENOENT/);
        }
        await new Promise((r) => setImmediate(r));
      }
    })();
    for (let i = 1; i <= 5; i++) await w.write(version(i));
    done = true;
    await reader;

    for (const s of seen) expect(s).toMatch(/^(\d),\1,\1$/);
    // The reader really ran across swaps, and ..data never pointed back to an older version.
    expect(targets.length).toBeGreaterThan(1);
    expect(new Set(seen).size).toBeGreaterThan(1);
    expect(new Set(targets).size).toBe(targets.length);
    expect(await readFile(join(dir, 'n/c'), 'utf8')).toBe('c5');
    await expect(lstat(join(dir, '..data_tmp'))).rejects.toThrow(/ENOENT/);
  });
});
