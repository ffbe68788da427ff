import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { criError } from './errors.ts';
import { FakeRuntime, type ContainerBehaviour, type RuntimeClock } from './fake.ts';
import type { Input, PodSandboxConfig } from './types.ts';

/** A clock that only moves when told to. */
class StepClock implements RuntimeClock {
  private t = Date.parse('2026-01-01T00:00:00Z');
  private timers: { at: number; fn: () => void }[] = [];
  now = () => new Date(this.t);
  setTimeout = (fn: () => void, ms: number) => {
    const timer = { at: this.t + ms, fn };
    this.timers.push(timer);
    return timer;
  };
  clearTimeout = (h: never) => {
    this.timers = this.timers.filter((x) => x !== h);
  };
  step(ms: number) {
    this.t += ms;
    const due = this.timers.filter((x) => x.at <= this.t);
    this.timers = this.timers.filter((x) => x.at > this.t);
    for (const x of due) x.fn();
  }
}

const sbConfig: Input<PodSandboxConfig> = {
  metadata: { name: 'p', uid: 'u1', namespace: 'default' },
  log_directory: '/var/log/pods/default_p_u1',
  labels: { app: 'a' },
  linux: { security_context: { namespace_options: { network: 'NODE' } } },
};

async function setup(behaviour: ContainerBehaviour, opts: { writeLogFiles?: boolean; logDir?: string } = {}) {
  const clock = new StepClock();
  const rt = new FakeRuntime({ clock, images: ['busybox'], behaviour: () => behaviour, writeLogFiles: opts.writeLogFiles ?? false });
  const cfg = { ...sbConfig, log_directory: opts.logDir ?? sbConfig.log_directory };
  const sb = await rt.runPodSandbox(cfg);
  const id = await rt.createContainer(sb, { metadata: { name: 'c' }, image: { image: 'docker.io/library/busybox:latest' }, log_path: 'c/0.log' }, cfg);
  return { clock, rt, sb, id };
}

describe('FakeRuntime containers', () => {
  const cases: { name: string; behaviour: ContainerBehaviour; stepMs: number; want: object }[] = [
    { name: 'exits with its code after N ms', behaviour: { exitAfterMs: 500, exitCode: 3 }, stepMs: 500, want: { state: 'CONTAINER_EXITED', exit_code: 3, reason: 'Error' } },
    { name: 'exit 0 is Completed', behaviour: { exitAfterMs: 10 }, stepMs: 10, want: { state: 'CONTAINER_EXITED', exit_code: 0, reason: 'Completed' } },
    { name: 'still running before its time', behaviour: { exitAfterMs: 500, exitCode: 3 }, stepMs: 499, want: { state: 'CONTAINER_RUNNING', exit_code: 0, reason: '' } },
    { name: 'OOMKilled', behaviour: { oomKilled: true, exitAfterMs: 100 }, stepMs: 100, want: { state: 'CONTAINER_EXITED', exit_code: 137, reason: 'OOMKilled' } },
    { name: 'runs until stopped by default', behaviour: {}, stepMs: 3_600_000, want: { state: 'CONTAINER_RUNNING' } },
  ];
  it.each(cases)('$name', async ({ behaviour, stepMs, want }) => {
    const { clock, rt, id } = await setup(behaviour);
    expect((await rt.containerStatus(id)).status?.state).toBe('CONTAINER_CREATED');
    await rt.startContainer(id);
    clock.step(stepMs);
    const st = (await rt.containerStatus(id)).status!;
    expect(st).toMatchObject(want);
    expect(st.started_at).toBe(String(BigInt(Date.parse('2026-01-01T00:00:00Z')) * 1_000_000n));
  });

  it.each([
    { name: 'SIGTERM ends it with 143', behaviour: {}, timeout: 30, code: 143 },
    { name: 'ignoring SIGTERM ends in SIGKILL after the timeout', behaviour: { ignoreSigterm: true }, timeout: 2, code: 137 },
  ])('StopContainer: $name', async ({ behaviour, timeout, code }) => {
    const { clock, rt, id } = await setup(behaviour);
    await rt.startContainer(id);
    const stopped = rt.stopContainer(id, timeout);
    clock.step(timeout * 1000);
    await stopped;
    expect((await rt.containerStatus(id)).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: code });
  });

  it('fails StartContainer with the runtime message and records StartError', async () => {
    const { rt, id } = await setup({ startError: 'exec: "nope": executable file not found in $PATH' });
    await expect(rt.startContainer(id)).rejects.toThrow('failed to create containerd task: exec: "nope": executable file not found in $PATH');
    expect((await rt.containerStatus(id)).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 128, reason: 'StartError' });
  });

  it('answers ExecSync from the script, only while running', async () => {
    const { rt, id } = await setup({ execSync: (cmd) => ({ stdout: cmd.join(' '), exitCode: cmd[0] === 'false' ? 1 : 0 }) });
    await expect(rt.execSync(id, ['true'], 1)).rejects.toMatchObject({ code: 'Unknown' });
    await rt.startContainer(id);
    const r = await rt.execSync(id, ['false', 'x'], 1);
    expect({ out: r.stdout.toString(), code: r.exit_code }).toEqual({ out: 'false x', code: 1 });
  });

  it('keeps log lines in memory, and writes CRI-format files when asked', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'k8ts-fake-'));
    try {
      const { rt, id } = await setup({ logs: ['hello', 'world'] }, { writeLogFiles: true, logDir: dir });
      await rt.startContainer(id);
      expect(rt.logs(id)).toEqual(['2026-01-01T00:00:00.000Z stdout F hello', '2026-01-01T00:00:00.000Z stdout F world']);
      expect(await readFile(join(dir, 'c/0.log'), 'utf8')).toBe(`${rt.logs(id).join('\n')}\n`);
      expect((await rt.containerStatus(id)).status?.log_path).toBe(join(dir, 'c/0.log'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('FakeRuntime sandboxes, lists and errors', () => {
  it('filters, stops and removes like the runtime, recording every call', async () => {
    const { rt, sb, id } = await setup({});
    await rt.startContainer(id);
    expect((await rt.listPodSandbox({ label_selector: { app: 'a' } })).map((s) => s.id)).toEqual([sb]);
    expect(await rt.listPodSandbox({ label_selector: { app: 'b' } })).toEqual([]);
    expect((await rt.listContainers({ state: { state: 'CONTAINER_RUNNING' } })).map((c) => c.id)).toEqual([id]);
    expect((await rt.listContainers({ id: id.slice(0, 12) })).map((c) => c.pod_sandbox_id)).toEqual([sb]);
    await expect(rt.removeContainer(id)).rejects.toThrow(/still running/);
    await rt.stopPodSandbox(sb);
    expect((await rt.podSandboxStatus(sb)).status?.state).toBe('SANDBOX_NOTREADY');
    expect((await rt.containerStatus(id)).status).toMatchObject({ state: 'CONTAINER_EXITED', exit_code: 137 });
    await rt.removePodSandbox(sb);
    await rt.removePodSandbox(sb); // idempotent
    expect(await rt.listContainers()).toEqual([]);
    expect(rt.callCount('removePodSandbox')).toBe(2);
    expect(rt.calls[0]).toEqual({ method: 'runPodSandbox', args: [sbConfig, ''] });
  });

  it.each([
    { name: 'status of a missing container', call: (rt: FakeRuntime) => rt.containerStatus('nope'), text: 'rpc error: code = NotFound desc = an error occurred when try to find container "nope": not found' },
    { name: 'status of a missing sandbox', call: (rt: FakeRuntime) => rt.podSandboxStatus('nope'), text: 'rpc error: code = NotFound desc = an error occurred when try to find sandbox: not found' },
    { name: 'hostname on a host-network sandbox', call: (rt: FakeRuntime) => rt.runPodSandbox({ ...sbConfig, hostname: 'p' }), text: 'rpc error: code = Unknown desc = failed to start sandbox container task: unable to set hostname without a private UTS namespace' },
    { name: 'pull of an unknown image', call: (rt: FakeRuntime) => rt.pullImage({ image: 'nope:1' }), text: 'rpc error: code = Unknown desc = failed to pull and unpack image "docker.io/library/nope:1": failed to resolve reference "docker.io/library/nope:1": docker.io/library/nope:1: not found' },
  ])('$name', async ({ call, text }) => {
    const err = await call(new FakeRuntime({ images: ['busybox'] })).catch((e: unknown) => e);
    expect(String(err)).toBe(text);
  });

  it('serves images: status is null when absent, pull of a pullable image adds it', async () => {
    const rt = new FakeRuntime({ images: ['busybox'], pullable: ['nginx:1.27'] });
    expect((await rt.imageStatus({ image: 'busybox:latest' })).image?.repo_tags).toEqual(['docker.io/library/busybox:latest']);
    expect((await rt.imageStatus({ image: 'nginx:1.27' })).image).toBeNull();
    const ref = await rt.pullImage({ image: 'nginx:1.27' });
    expect((await rt.imageStatus({ image: 'docker.io/library/nginx:1.27' })).image?.id).toBe(ref);
    expect((await rt.listImages()).map((i) => i.repo_tags[0])).toEqual(['docker.io/library/busybox:latest', 'docker.io/library/nginx:1.27']);
  });

  it('fails the next call of a method on request', async () => {
    const rt = new FakeRuntime();
    rt.failNext('version', criError('Unavailable', 'connection refused'));
    await expect(rt.version('v1')).rejects.toMatchObject({ code: 'Unavailable' });
    await expect(rt.version('v1')).resolves.toMatchObject({ runtime_api_version: 'v1' });
  });

  it('reports stats of running containers per sandbox', async () => {
    const { rt, sb, id } = await setup({ memoryWorkingSetBytes: 1024 });
    await rt.startContainer(id);
    const stats = await rt.podSandboxStats(sb);
    expect(stats?.linux?.memory?.working_set_bytes?.value).toBe('1024');
    expect((await rt.listContainerStats({ pod_sandbox_id: sb })).map((s) => s.attributes?.id)).toEqual([id]);
  });
});
