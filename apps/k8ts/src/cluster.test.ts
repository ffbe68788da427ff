// Integration: the real CLI (`k8ts up | status | down`) with a real etcd and the built API server
// (apps/apiserver/dist, made by `npm test`'s set-up), on a temporary state dir and free ports,
// so it runs beside a user's own cluster.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@k8ts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { isOurs } from './proc.ts';
import { readState, statePaths, type State } from './state.ts';

const repoRoot = fileURLToPath(new URL('../../..', import.meta.url));

function k8ts(...args: string[]): Promise<{ code: number; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      join(repoRoot, 'node_modules/.bin/tsx'),
      [join(repoRoot, 'apps/k8ts/src/main.ts'), ...args],
      { cwd: repoRoot },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout: stdout + stderr }),
    );
  });
}

describe('k8ts up / status / down', () => {
  let dir: string;
  let stateDir: string;
  let kubeconfig: string;
  let apiserverPort: number;
  let upResult: { code: number; stdout: string };
  let state: State | undefined;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-cluster-'));
    stateDir = join(dir, 'state');
    kubeconfig = join(dir, 'kubeconfig');
    apiserverPort = await freePort();
    const etcdPort = await freePort();
    const schedulerPort = await freePort();
    const controllerManagerPort = await freePort();
    upResult = await k8ts('up', '--state-dir', stateDir, '--etcd-port', `${etcdPort}`, '--apiserver-port', `${apiserverPort}`,
      '--scheduler-port', `${schedulerPort}`, '--controller-manager-port', `${controllerManagerPort}`, '--kubeconfig', kubeconfig, '--nodes', '0');
    state = await readState(statePaths(stateDir));
  });
  afterAll(async () => {
    await k8ts('down', '--state-dir', stateDir);
    await rm(dir, { recursive: true, force: true });
  });

  it('up starts etcd, the API server, the scheduler and the controller manager, and writes a kubeconfig pointing at it', async () => {
    expect(upResult.stdout).toMatch(/✓ etcd ready \([\d.]+s\)\n• starting apiserver\n✓ apiserver ready \([\d.]+s\)\n• starting scheduler\n✓ scheduler ready \([\d.]+s\)\n• starting controller-manager\n✓ controller-manager ready \([\d.]+s\)/);
    expect(upResult.code).toBe(0);
    const kc = parse(await readFile(kubeconfig, 'utf8'));
    expect(kc['current-context']).toBe('k8ts');
    const server: string = kc.clusters[0].cluster.server;
    expect(server).toBe(`http://127.0.0.1:${apiserverPort}`);
    const res = await fetch(`${server}/readyz`);
    expect([res.status, await res.text()]).toEqual([200, 'ok']);
  });

  it('a second up reports the running cluster instead of starting another', async () => {
    const again = await k8ts('up', '--state-dir', stateDir, '--kubeconfig', kubeconfig);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^k8ts is already running from /);
    expect((await readState(statePaths(stateDir)))?.components).toEqual(state?.components);
  });

  it('status shows every component alive and healthy', async () => {
    const { code, stdout } = await k8ts('status', '--state-dir', stateDir);
    expect(code).toBe(0);
    const rows = stdout.split('\n').slice(1, 1 + state!.components.length).map((l) => l.split(/\s+/));
    expect(rows).toEqual(state!.components.map((c) => [c.name, String(c.pid), 'yes', String(c.port), 'ok']));
  });

  it('down stops every process and removes the state dir and kubeconfig', async () => {
    const { code } = await k8ts('down', '--state-dir', stateDir);
    expect(code).toBe(0);
    expect(state!.components.filter((c) => isOurs(c.pid, c.command))).toEqual([]);
    expect([existsSync(stateDir), existsSync(kubeconfig)]).toEqual([false, false]);
  });
});
