// Event texts and verdicts of one probe, per kind and outcome (upstream prober.probe).
import { criError } from '@k8ts/cri';
import type { Container, Probe } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { MemoryRecorder, podWith, runtimeWithContainer } from './fixtures.ts';
import { containerFieldPath, probeContainer } from './prober.ts';
import type { HttpGetter, ProbeKind, TcpConnector } from './types.ts';

const status500: HttpGetter = async () => ({ statusCode: 500, body: Buffer.from('bad') });
const offHost: HttpGetter = async () => ({ statusCode: 302, location: 'http://elsewhere.test/', body: Buffer.from('') });
const refused: TcpConnector = async (host, port) => {
  throw new Error(`dial tcp ${host}:${port}: connect: connection refused`);
};

const field = (kind: ProbeKind, probe: Probe): Partial<Container> =>
  kind === 'liveness' ? { livenessProbe: probe } : kind === 'readiness' ? { readinessProbe: probe } : { startupProbe: probe };

describe('probeContainer', () => {
  it.each<{ name: string; kind: ProbeKind; probe?: Probe; exec?: () => { stdout?: string; exitCode?: number }; want: object; events: string[]; execCalls?: number }>([
    { name: 'success records nothing', kind: 'liveness', probe: { exec: { command: ['true'] } }, exec: () => ({}), want: { result: 'Success', errored: false }, events: [] },
    {
      name: 'liveness exec failure',
      kind: 'liveness',
      probe: { exec: { command: ['cat', '/tmp/healthy'] } },
      exec: () => ({ stdout: 'cat: can\'t open \'/tmp/healthy\': No such file or directory\n', exitCode: 1 }),
      want: { result: 'Failure', errored: false },
      events: ["Unhealthy: Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory\n"],
    },
    {
      name: 'readiness HTTP 500',
      kind: 'readiness',
      probe: { httpGet: { port: 8080, path: '/ready' } },
      want: { result: 'Failure', errored: false },
      events: ['Unhealthy: Readiness probe failed: HTTP probe failed with statuscode: 500'],
    },
    {
      name: 'startup TCP refused',
      kind: 'startup',
      probe: { tcpSocket: { port: 5432 } },
      want: { result: 'Failure', errored: false },
      events: ['Unhealthy: Startup probe failed: dial tcp 127.0.0.1:5432: connect: connection refused'],
    },
    {
      name: 'redirect off host is a warning and a success',
      kind: 'liveness',
      probe: { httpGet: { port: 8080, path: '/moved' } },
      want: { result: 'Success', errored: false },
      events: ['ProbeWarning: Liveness probe warning: Probe terminated redirects, Response body: '],
    },
    {
      name: 'unresolvable port errors',
      kind: 'readiness',
      probe: { tcpSocket: { port: 'db' } },
      want: { result: 'Failure', errored: true },
      events: ['Unhealthy: Readiness probe errored and resulted in unknown state: strconv.Atoi: parsing "db": invalid syntax'],
    },
    {
      name: 'runtime error retried three times, then errored',
      kind: 'liveness',
      probe: { exec: { command: ['true'] } },
      exec: () => {
        throw criError('NotFound', 'container not found');
      },
      want: { result: 'Failure', errored: true },
      events: ['Unhealthy: Liveness probe errored and resulted in unknown state: rpc error: code = NotFound desc = container not found'],
      execCalls: 3,
    },
    { name: 'no probe of that kind is a success', kind: 'startup', want: { result: 'Success', errored: false }, events: [] },
  ])('$name', async ({ kind, probe, exec, want, events, execCalls }) => {
    const { runtime, containerId } = await runtimeWithContainer({ execSync: exec ?? (() => ({})) });
    const pod = podWith(probe ? field(kind, probe) : {});
    const recorder = new MemoryRecorder();
    const getter = probe?.httpGet?.path === '/moved' ? offHost : status500;
    const ctx = { pod, container: pod.spec!.containers[0]!, containerId, podIP: '127.0.0.1', runtime, httpGet: getter, tcpConnect: refused };
    expect(await probeContainer(kind, ctx, recorder)).toEqual(want);
    expect(recorder.messages()).toEqual(events);
    expect(recorder.events.every((e) => e.type === 'Warning' && e.fieldPath === 'spec.containers{app}')).toBe(true);
    if (execCalls) expect(runtime.calls.filter((c) => c.method === 'execSync')).toHaveLength(execCalls);
  });

  it.each([
    { name: 'regular container', container: 'app', want: 'spec.containers{app}' },
    { name: 'sidecar init container', container: 'proxy', want: 'spec.initContainers{proxy}' },
  ])('fieldPath: $name', ({ container, want }) => {
    const pod = podWith({});
    pod.spec!.initContainers = [{ name: 'proxy', restartPolicy: 'Always' }];
    expect(containerFieldPath(pod, container)).toBe(want);
  });
});
