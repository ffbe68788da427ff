// The launcher against stand-in components: real detached processes (small Node HTTP servers),
// so process groups, readiness, log tails and cleanup are exercised without etcd.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '@k8ts/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { UpOptions } from './args.ts';
import type { ComponentSpec } from './components.ts';
import { down } from './down.ts';
import { isOurs } from './proc.ts';
import { readState, statePaths } from './state.ts';
import { status } from './status.ts';
import { up } from './up.ts';

const SERVE = "require('http').createServer((q, s) => s.end('ok')).listen(+process.argv[1], '127.0.0.1')";
const CRASH = "console.error('boom: cannot start'); process.exit(3)";

const fake = (name: string, port: number, script = SERVE): ComponentSpec => ({
  name,
  command: process.execPath,
  args: ['-e', script, String(port)],
  ports: [port],
  health: `http://127.0.0.1:${port}/readyz`,
  readyTimeoutMs: 10_000,
});

describe('up / status / down with stand-in components', () => {
  let dir: string;
  let options: UpOptions;
  let lines: string[];
  const out = (l: string) => lines.push(l);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'k8ts-up-'));
    lines = [];
    options = { stateDir: join(dir, 'state'), etcdPort: 1, etcdPeerPort: 2, apiserverPort: await freePort(), schedulerPort: await freePort(), controllerManagerPort: await freePort(), kubeconfig: join(dir, 'kubeconfig'), nodes: 0 };
  });
  afterEach(async () => {
    await down(options.stateDir, { out: () => {} });
    await rm(dir, { recursive: true, force: true });
  });

  it('starts in order, refuses to start twice, reports status, and down removes everything', async () => {
    const specs = [fake('first', await freePort()), fake('second', await freePort())];
    expect(await up(options, { repoRoot: dir, out, components: () => specs })).toBe(0);
    expect(lines.filter((l) => /^[•✓]/.test(l)).map((l) => l.replace(/\(.*\)/, '(…)'))).toEqual([
      '• starting first',
      '✓ first ready (…)',
      '• starting second',
      '✓ second ready (…)',
    ]);
    const state = (await readState(statePaths(options.stateDir)))!;
    expect(state.components.map((c) => [c.name, isOurs(c.pid, c.command)])).toEqual([
      ['first', true],
      ['second', true],
    ]);
    expect(state.kubeconfig).toBe(options.kubeconfig);
    expect(existsSync(options.kubeconfig)).toBe(true);

    lines = [];
    expect(await up(options, { repoRoot: dir, out, components: () => specs })).toBe(0);
    expect(lines[0]).toMatch(/^k8ts is already running from .*: first \(pid \d+, port \d+\), second/);
    expect((await readState(statePaths(options.stateDir)))!.components).toEqual(state.components);

    lines = [];
    expect(await status(options.stateDir, { out })).toBe(0);
    expect(lines.slice(1, 3).map((l) => l.split(/\s+/))).toEqual(
      state.components.map((c) => [c.name, String(c.pid), 'yes', String(c.port), 'ok']),
    );

    lines = [];
    expect(await down(options.stateDir, { out })).toBe(0);
    expect(state.components.some((c) => isOurs(c.pid, c.command))).toBe(false);
    expect(lines.map((l) => l.replace(/\(.*\)/, '(…)'))).toEqual([
      '✓ second stopped (…)',
      '✓ first stopped (…)',
      `✓ removed ${options.kubeconfig}`,
    ]);
    expect(existsSync(options.stateDir)).toBe(false);
    expect(existsSync(options.kubeconfig)).toBe(false);

    lines = [];
    expect(await down(options.stateDir, { out })).toBe(0);
    expect(lines).toEqual([`k8ts is not running (no state in ${options.stateDir})`]);
    expect(await status(options.stateDir, { out: () => {} })).toBe(1);
  });

  it('on a component that dies before ready: prints its log tail, stops the others, fails', async () => {
    const specs = [fake('first', await freePort()), fake('second', await freePort(), CRASH), fake('third', await freePort())];
    expect(await up(options, { repoRoot: dir, out, components: () => specs })).toBe(1);
    expect(lines.find((l) => l.startsWith('✗'))).toMatch(/^✗ second failed after [\d.]+s: exited \(code 3\) before becoming ready$/);
    expect(lines).toContain('  boom: cannot start');
    expect(lines.some((l) => l.includes('third'))).toBe(false);
    expect(existsSync(statePaths(options.stateDir).stateFile)).toBe(false);
    expect(existsSync(options.kubeconfig)).toBe(false);
    // A fresh `up` after the failure starts cleanly.
    expect(await up(options, { repoRoot: dir, out: () => {}, components: () => [specs[0]!] })).toBe(0);
  });

  it('on interrupt: stops what it started and fails', async () => {
    // Listens but never answers, so readiness can only end by the abort.
    const HANG = "require('http').createServer(() => {}).listen(+process.argv[1], '127.0.0.1')";
    const specs = [fake('first', await freePort()), fake('slow', await freePort(), HANG)];
    const ac = new AbortController();
    const onLine = (l: string) => {
      lines.push(l);
      if (l === '• starting slow') setImmediate(() => ac.abort());
    };
    expect(await up(options, { repoRoot: dir, out: onLine, components: () => specs, signal: ac.signal })).toBe(1);
    expect(lines.find((l) => l.startsWith('✗'))).toMatch(/^✗ slow failed after [\d.]+s: interrupted$/);
    expect(lines.filter((l) => / stopped /.test(l)).map((l) => l.split(' (')[0])).toEqual(['✓ slow stopped', '✓ first stopped']);
    expect(existsSync(statePaths(options.stateDir).stateFile)).toBe(false);
  });

  it('refuses ports already in use before starting anything', async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((r) => busy.listen(0, '127.0.0.1', () => r((busy.address() as { port: number }).port)));
    try {
      expect(await up(options, { repoRoot: dir, out, components: () => [fake('first', port)] })).toBe(1);
      expect(lines).toEqual([`✗ 127.0.0.1:${port} is already in use (wanted by first); choose other ports with the --*-port flags`]);
      expect(existsSync(options.stateDir)).toBe(false);
    } finally {
      busy.close();
    }
  });
});
