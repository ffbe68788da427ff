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

  it('writes PID files for each node\'s containerd and kubelet, and keeps the host record', async () => {
    await createState(paths, { ...state(), components: [] });
    const s: State = {
      ...state(),
      host: { blackholes: ['10.244.0.0/16'], cniChainsBefore: ['nat/CNI-HOSTPORT-MASQ'], ipForwardBefore: '0' },
      nodes: [
        {
          name: 'k8ts-node-0',
          index: 0,
          containerd: { pid: 77, command: '/usr/bin/containerd', log: paths.log('containerd-k8ts-node-0') },
          kubelet: { name: 'kubelet-k8ts-node-0', pid: 78, port: 40001, health: 'http://127.0.0.1:40001/healthz', log: paths.log('kubelet-k8ts-node-0'), command: '/usr/bin/node' },
        },
        { name: 'k8ts-node-1', index: 1, containerd: { pid: 0, command: '', log: paths.log('containerd-k8ts-node-1') } },
      ],
    };
    await saveState(paths, s);
    expect(await readState(paths)).toEqual(s);
    const pid = (name: string) => readFile(paths.pidFile(name), 'utf8').catch(() => 'absent');
    expect(await Promise.all(['containerd-k8ts-node-0', 'kubelet-k8ts-node-0', 'containerd-k8ts-node-1'].map(pid))).toEqual(['77\n', '78\n', 'absent']);
    expect([paths.nodes, paths.images]).toEqual([join(paths.root, 'nodes'), join(paths.root, 'images')]);
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
