import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createState, readState, saveState, statePaths, type State, type StatePaths } from './state.ts';

describe('state', () => {
  let paths: StatePaths;
  beforeEach(async () => {
    paths = statePaths(join(await mkdtemp(join(tmpdir(), 'k8ts-state-')), 'st'));
  });
  afterEach(() => rm(join(paths.root, '..'), { recursive: true, force: true }));

  const state = (): State => ({
    version: 1,
    startedAt: '2025-01-01T00:00:00.000Z',
    stateDir: paths.root,
    components: [
      { name: 'etcd', pid: 41, port: 12379, health: 'http://127.0.0.1:12379/health', log: paths.log('etcd'), command: '/usr/bin/etcd' },
    ],
  });

  it('lays out logs, PID files, etcd data and the state file under the root', () => {
    const p = statePaths('/s');
    expect([p.log('etcd'), p.pidFile('apiserver'), p.etcdData, p.stateFile]).toEqual([
      '/s/logs/etcd.log',
      '/s/run/apiserver.pid',
      '/s/etcd',
      '/s/state.json',
    ]);
  });

  it('reads nothing from a directory without state', async () => {
    expect(await readState(paths)).toBeUndefined();
  });

  it('round-trips and writes a PID file per component', async () => {
    await createState(paths, { ...state(), components: [] });
    const s = { ...state(), kubeconfig: '/k' };
    await saveState(paths, s);
    expect(await readState(paths)).toEqual(s);
    expect(await readFile(paths.pidFile('etcd'), 'utf8')).toBe('41\n');
  });

  it('lets only one creator hold the directory', async () => {
    await createState(paths, state());
    await expect(createState(paths, state())).rejects.toMatchObject({ code: 'EEXIST' });
  });

  it('refuses a file that is not a k8ts state file', async () => {
    await createState(paths, state());
    await writeFile(paths.stateFile, '{"hello":1}');
    await expect(readState(paths)).rejects.toThrow(`${paths.stateFile} is not a k8ts state file`);
  });
});
