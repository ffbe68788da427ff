// Integration: a private containerd in a temp dir, our images imported, hostNetwork sandboxes only
// (no pod network is ever created; no traffic to 10.244/16 or 10.96/16). Prints CRI call timings.
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cleanupContainerd, shimsOf, type CleanupReport } from './cleanup.ts';
import { CriClient } from './client.ts';
import { startContainerd, pidAlive, type ContainerdProcess } from './containerd.ts';
import { DEFAULT_SANDBOX_IMAGE } from './containerd-config.ts';
import { importBaseImages } from './images.ts';
import type { Input, PodSandboxConfig } from './types.ts';

const timings: Record<string, number[]> = {};
async function timed<R>(name: string, f: () => Promise<R>): Promise<R> {
  const t0 = performance.now();
  try {
    return await f();
  } finally {
    (timings[name] ??= []).push(performance.now() - t0);
  }
}

let nodeDir: string;
let containerd: ContainerdProcess | undefined;
let cri: CriClient;
let cleanup: CleanupReport | undefined;

const sandboxConfig = (name: string, logDir: string): Input<PodSandboxConfig> => ({
  metadata: { name, uid: `uid-${name}`, namespace: 'default', attempt: 0 },
  hostname: '', // required for a sandbox in the node's network namespace
  log_directory: logDir,
  labels: { 'k8ts.test': 'cri' },
  linux: { security_context: { namespace_options: { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } } },
});

beforeAll(async () => {
  nodeDir = await mkdtemp(join(tmpdir(), 'k8ts-cri-'));
  const t0 = performance.now();
  containerd = await startContainerd({ nodeDir, sandboxImage: DEFAULT_SANDBOX_IMAGE });
  (timings['containerd start → CRI ready'] ??= []).push(performance.now() - t0);
  const t1 = performance.now();
  await importBaseImages({ socket: containerd.paths.socket, dir: nodeDir });
  (timings['build + import busybox and pause'] ??= []).push(performance.now() - t1);
  cri = new CriClient({ endpoint: containerd.endpoint, timeoutMs: 30_000 });
});

afterAll(async () => {
  cri?.close();
  await containerd?.stop();
  if (nodeDir) cleanup = await cleanupContainerd({ nodeDir });
  const rows = Object.entries(timings).map(([k, v]) => `${k.padEnd(36)} n=${v.length} min=${Math.min(...v).toFixed(1)}ms max=${Math.max(...v).toFixed(1)}ms`);
  console.log(`CRI timings:\n${rows.join('\n')}`);
});

describe('CriClient against a real containerd', () => {
  it('answers Version, Status and ListImages with our imported images', async () => {
    const v = await timed('Version', () => cri.version('v1'));
    expect(v).toMatchObject({ runtime_name: 'containerd', runtime_api_version: 'v1' });
    const status = await timed('Status', () => cri.status());
    expect(status.status?.conditions.find((c) => c.type === 'RuntimeReady')?.status).toBe(true);
    const images = await timed('ListImages', () => cri.listImages());
    const tags = images.flatMap((i) => i.repo_tags);
    expect(tags).toEqual(expect.arrayContaining(['docker.io/library/busybox:latest', 'docker.io/library/busybox:1.36', DEFAULT_SANDBOX_IMAGE]));
    const st = await timed('ImageStatus', () => cri.imageStatus({ image: 'busybox' }));
    expect(st.image?.repo_tags).toContain('docker.io/library/busybox:latest');
    expect((await cri.imageStatus({ image: 'docker.io/library/nope:1' })).image).toBeNull();
    const fs = await cri.imageFsInfo();
    expect(fs.image_filesystems.length).toBeGreaterThan(0);
  });

  it('fails PullImage of a missing image with the runtime error, not a hang', async () => {
    const err = await timed('PullImage (missing, fails)', () => cri.pullImage({ image: 'docker.io/library/nope:1' })).catch((e: unknown) => e);
    console.log(`PullImage error: ${String(err)}`);
    expect(String(err)).toMatch(/^rpc error: code = \w+ desc = failed to pull and unpack image "docker.io\/library\/nope:1"/);
  });

  it('runs a container to its exit code and writes its CRI log', async () => {
    const logDir = join(nodeDir, 'logs', 'exit3');
    const sbConfig = sandboxConfig('exit3', logDir);
    const sb = await timed('RunPodSandbox (hostNetwork)', () => cri.runPodSandbox(sbConfig));
    const sbStatus = await timed('PodSandboxStatus', () => cri.podSandboxStatus(sb));
    expect(sbStatus.status).toMatchObject({ id: sb, state: 'SANDBOX_READY', network: { ip: '' } });
    const id = await timed('CreateContainer', () =>
      cri.createContainer(sb, {
        metadata: { name: 'main', attempt: 0 },
        image: { image: 'docker.io/library/busybox:latest' },
        command: ['sh', '-c', 'echo hi; echo oops >&2; exit 3'],
        log_path: 'main/0.log',
      }, sbConfig));
    expect((await cri.containerStatus(id)).status?.state).toBe('CONTAINER_CREATED');
    await timed('StartContainer', () => cri.startContainer(id));
    let status = (await timed('ContainerStatus', () => cri.containerStatus(id))).status;
    for (let i = 0; i < 200 && status?.state !== 'CONTAINER_EXITED'; i++) {
      await new Promise((r) => setTimeout(r, 25)); // waiting on a real process, not a clock
      status = (await timed('ContainerStatus', () => cri.containerStatus(id))).status;
    }
    expect(status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 3, reason: 'Error', log_path: join(logDir, 'main/0.log') });
    // containerd may stamp finished_at before started_at for a process this quick: only both are set.
    expect([BigInt(status!.started_at) > 0n, BigInt(status!.finished_at) > 0n]).toEqual([true, true]);
    const log = (await readFile(join(logDir, 'main/0.log'), 'utf8')).trim().split('\n');
    const lines = log.map((l) => l.match(/^(\S+) (stdout|stderr) ([PF]) (.*)$/)!.slice(2));
    expect(lines).toEqual(expect.arrayContaining([['stdout', 'F', 'hi'], ['stderr', 'F', 'oops']]));
    expect(log[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z /);

    const listed = await timed('ListContainers', () => cri.listContainers({ pod_sandbox_id: sb }));
    expect(listed.map((c) => [c.id, c.state])).toEqual([[id, 'CONTAINER_EXITED']]);
    await timed('RemoveContainer', () => cri.removeContainer(id));
    const gone = await cri.containerStatus(id).catch((e: unknown) => e);
    expect(String(gone)).toMatch(/^rpc error: code = NotFound desc = /);
    await timed('StopPodSandbox (hostNetwork)', () => cri.stopPodSandbox(sb));
    await timed('RemovePodSandbox', () => cri.removePodSandbox(sb));
    expect(await cri.listPodSandbox({ id: sb })).toEqual([]);
  });

  it('runs ExecSync in a long-running container, stops it with SIGKILL after the grace period', async () => {
    const sbConfig = sandboxConfig('sleeper', join(nodeDir, 'logs', 'sleeper'));
    const sb = await timed('RunPodSandbox (hostNetwork)', () => cri.runPodSandbox(sbConfig));
    const id = await timed('CreateContainer', () =>
      cri.createContainer(sb, {
        metadata: { name: 'sleep', attempt: 0 },
        image: { image: 'busybox:1.36' },
        // ignores SIGTERM, so StopContainer has to escalate
        command: ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'],
        envs: [{ key: 'GREETING', value: 'hello world' }],
        log_path: 'sleep/0.log',
      }, sbConfig));
    await timed('StartContainer', () => cri.startContainer(id));
    const ok = await timed('ExecSync', () => cri.execSync(id, ['sh', '-c', 'echo "$GREETING"; echo err >&2; exit 7'], 5));
    expect({ out: ok.stdout.toString(), err: ok.stderr.toString(), code: ok.exit_code }).toEqual({ out: 'hello world\n', err: 'err\n', code: 7 });
    const url = await timed('Exec (URL)', () => cri.exec(id, { cmd: ['sh'], stdin: true, tty: true }));
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/exec\//);
    const stats = await timed('ContainerStats', () => cri.containerStats(id));
    expect(stats?.attributes?.id).toBe(id);
    await timed('StopContainer (1s grace → SIGKILL)', () => cri.stopContainer(id, 1));
    expect((await cri.containerStatus(id)).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 137 });
    await timed('StopPodSandbox (hostNetwork)', () => cri.stopPodSandbox(sb));
    await timed('RemovePodSandbox', () => cri.removePodSandbox(sb)); // also removes the container
    expect(await cri.listContainers({ pod_sandbox_id: sb })).toEqual([]);
  });

  it('leaves nothing behind after stop + clean-up, even with a pod still running', async () => {
    // A pod left running on purpose: the clean-up must kill it and remove its traces.
    const sbConfig = sandboxConfig('leftover', join(nodeDir, 'logs', 'leftover'));
    const sb = await cri.runPodSandbox(sbConfig);
    const id = await cri.createContainer(sb, { metadata: { name: 'c' }, image: { image: 'busybox' }, command: ['sleep', '3600'], log_path: 'c.log' }, sbConfig);
    await cri.startContainer(id);
    const tasks = join(nodeDir, 'containerd/state/io.containerd.runtime.v2.task/k8s.io');
    const shimSocket = (await readFile(join(tasks, sb, 'address'), 'utf8')).trim().replace('unix://', '');
    const shimAddress = containerd!.paths.socket;
    expect(await shimsOf(shimAddress)).toHaveLength(1); // one shim per sandbox, its containers included
    const initPid = Number(await readFile(join(tasks, id, 'init.pid'), 'utf8'));
    cri.close();
    await containerd!.stop();
    expect(pidAlive(containerd!.pid)).toBe(false);
    expect(pidAlive(initPid)).toBe(true); // pods outlive containerd
    const report = await cleanupContainerd({ nodeDir });
    containerd = undefined;
    const nodeDirCopy = nodeDir;
    nodeDir = '';
    expect(report.ids).toEqual(expect.arrayContaining([sb, id]));
    await new Promise((r) => setTimeout(r, 100)); // let the SIGKILLed processes be reaped by init
    expect(pidAlive(initPid)).toBe(false);
    expect(await shimsOf(shimAddress)).toEqual([]);
    const gone = async (p: string) => stat(p).then(() => false, () => true);
    expect(await gone(shimSocket)).toBe(true);
    expect(await gone(nodeDirCopy)).toBe(true);
    for (const ctrl of ['memory', 'cpu', 'pids']) expect(await gone(`/sys/fs/cgroup/${ctrl}/k8s.io/${id}`)).toBe(true);
    expect(await gone(`/run/containerd/runc/k8s.io/${id}`)).toBe(true);
  });
});
