import { criError } from '@k8ts/cri';
import { describe, expect, it } from 'vitest';
import type { ContainerBehaviour } from '@k8ts/cri';
import { runProbe } from './run.ts';
import { execProbeSpec, podWith, runtimeWithContainer } from './fixtures.ts';

describe('exec probes', () => {
  it.each<{ name: string; exec: ContainerBehaviour['execSync']; command?: string[]; want: object }>([
    { name: 'exit 0 is success with output', exec: () => ({ stdout: 'ok\n' }), want: { result: 'Success', output: 'ok\n' } },
    { name: 'non-zero exit is failure, stdout then stderr', exec: () => ({ stdout: 'out ', stderr: 'err', exitCode: 2 }), want: { result: 'Failure', output: 'out err' } },
    { name: 'failure with no output', exec: () => ({ exitCode: 1 }), want: { result: 'Failure', output: '' } },
    { name: 'output cut at 10 KiB', exec: () => ({ stdout: 'x'.repeat(20_000) }), want: { result: 'Success', output: 'x'.repeat(10_240) } },
    {
      name: 'runtime deadline is a timeout failure',
      command: ['sleep', '10'],
      exec: () => {
        throw criError('DeadlineExceeded', 'context deadline exceeded');
      },
      want: { result: 'Failure', output: 'command "sleep 10" timed out' },
    },
    {
      name: 'other runtime errors mean the probe could not run',
      exec: () => {
        throw criError('Unknown', 'failed to exec in container');
      },
      want: { result: 'Unknown', output: '', error: 'rpc error: code = Unknown desc = failed to exec in container' },
    },
  ])('$name', async ({ exec, command, want }) => {
    const { runtime, containerId } = await runtimeWithContainer({ execSync: exec! });
    const probe = execProbeSpec(command ?? ['cat', '/tmp/healthy'], { timeoutSeconds: 3 });
    const pod = podWith({ livenessProbe: probe });
    const out = await runProbe(probe, { pod, container: pod.spec!.containers[0]!, containerId, podIP: '', runtime });
    expect(out).toEqual(want);
  });

  it('passes the expanded command and timeoutSeconds to ExecSync', async () => {
    const { runtime, containerId } = await runtimeWithContainer({ execSync: () => ({}) });
    const probe = execProbeSpec(['test', '-f', '$(DIR)/ready'], { timeoutSeconds: 4 });
    const pod = podWith({ readinessProbe: probe, env: [{ name: 'DIR', value: '/run' }] });
    await runProbe(probe, { pod, container: pod.spec!.containers[0]!, containerId, podIP: '', runtime });
    expect(runtime.calls.filter((c) => c.method === 'execSync').map((c) => c.args)).toEqual([[containerId, ['test', '-f', '/run/ready'], 4]]);
  });
});
