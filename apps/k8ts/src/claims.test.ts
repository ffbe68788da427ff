import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { claimedIndices, claimNodeIndices, noteBlackholes, notedBlackholes, releaseNodeIndex, takeBlackholes } from './claims.ts';

describe('node index claims', () => {
  let tmp: string;
  let dir: string;
  /** a run's state directory; `live` gives it a state.json */
  const run = async (name: string, live: boolean) => {
    const d = join(tmp, name);
    await mkdir(d, { recursive: true });
    if (live) await writeFile(join(d, 'state.json'), '{}');
    return d;
  };
  const claimsNow = async () => {
    const out: Record<string, string> = {};
    for (const f of (await readdir(dir).catch(() => [])).filter((f) => f !== '.lock')) out[f] = (await readFile(join(dir, f), 'utf8')).trim();
    return out;
  };

  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'k8ts-claims-'));
    dir = join(tmp, 'run', 'nodes');
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it.each([
    { name: 'a free host: the lowest indices', held: [] as [number, string, boolean][], busy: [] as number[], count: 2, want: [0, 1] },
    { name: 'skips an index a live run holds', held: [[0, 'other', true]] as [number, string, boolean][], busy: [], count: 2, want: [1, 2] },
    { name: 'takes over a stale claim (its run has no state any more)', held: [[0, 'gone', false]] as [number, string, boolean][], busy: [], count: 1, want: [0] },
    { name: 'keeps its own claim', held: [[0, 'me', true]] as [number, string, boolean][], busy: [0], count: 1, want: [0] },
    { name: 'skips a busy index nobody claimed (a leftover bridge)', held: [], busy: [0, 2], count: 2, want: [1, 3] },
  ])('$name', async ({ held, busy, count, want }) => {
    const me = await run('me', true);
    await mkdir(dir, { recursive: true });
    for (const [i, owner, live] of held) await writeFile(join(dir, String(i)), `${await run(owner, live)}\n`);
    const got = await claimNodeIndices({ stateDir: me, count, dir, busy: async (i) => busy.includes(i) });
    expect(got).toEqual(want);
    const claims = await claimsNow();
    for (const i of want) expect(claims[String(i)]).toBe(me);
  });

  it('claims all or nothing', async () => {
    const me = await run('me', true);
    const other = await run('other', true);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, '2'), other);
    await expect(claimNodeIndices({ stateDir: me, count: 3, from: 0, to: 2, dir })).rejects.toThrow(/^only 2 of 3 node indices in 0-2 are free/);
    expect(await claimsNow()).toEqual({ 2: other });
  });

  it('two runs claiming at once never share an index', async () => {
    const a = await run('a', true);
    const b = await run('b', true);
    const [ga, gb] = await Promise.all([claimNodeIndices({ stateDir: a, count: 3, dir }), claimNodeIndices({ stateDir: b, count: 3, dir })]);
    expect(new Set([...ga, ...gb]).size).toBe(6);
  });

  it('releases only its own claims, and the directories once empty', async () => {
    const me = await run('me', true);
    const other = await run('other', true);
    await claimNodeIndices({ stateDir: me, count: 1, dir });
    await claimNodeIndices({ stateDir: other, count: 1, dir });
    await releaseNodeIndex(me, 1, dir); // other's
    expect(await claimsNow()).toEqual({ 0: me, 1: other });
    await releaseNodeIndex(me, 0, dir);
    expect(await claimsNow()).toEqual({ 1: other });
    await releaseNodeIndex(other, 1, dir);
    expect([existsSync(dir), existsSync(join(tmp, 'run'))]).toEqual([false, false]);
    await releaseNodeIndex(other, 1, dir); // again: nothing there
  });
});

describe('shared blackhole routes', () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(join(tmpdir(), 'k8ts-routes-'));
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it('remembers the ranges k8ts added, across clusters, until the last one takes them', async () => {
    const dir = join(tmp, 'nodes');
    expect(await notedBlackholes(dir)).toEqual([]);
    await noteBlackholes(['10.244.0.0/16', '10.96.0.0/16'], dir);
    await noteBlackholes([], dir);
    await noteBlackholes(['10.96.0.0/16'], dir);
    expect(await notedBlackholes(dir)).toEqual(['10.244.0.0/16', '10.96.0.0/16']);
    expect(await takeBlackholes(dir)).toEqual(['10.244.0.0/16', '10.96.0.0/16']);
    expect(await takeBlackholes(dir)).toEqual([]);
    // Nothing claimed and no routes noted: nothing is left behind.
    expect(existsSync(dir)).toBe(false);
  });

  it('lists the node indices other runs still claim', async () => {
    const dir = join(tmp, 'nodes');
    expect(await claimedIndices(dir)).toEqual([]);
    const state = join(tmp, 'run');
    await mkdir(state, { recursive: true });
    await writeFile(join(state, 'state.json'), '{}');
    await claimNodeIndices({ stateDir: state, count: 2, dir });
    expect(await claimedIndices(dir)).toEqual([0, 1]);
    await releaseNodeIndex(state, 0, dir);
    expect(await claimedIndices(dir)).toEqual([1]);
  });
});
