// Exec probes through CRI ExecSync. Exit code 0 is success, any other is failure; the output is
// stdout followed by stderr, cut at 10 KiB. A runtime deadline is a failure reading
// `command "<cmd>" timed out` (the ExecProbeTimeout behaviour, on by default); any other runtime
// error means the probe could not run.
import { isCriError, isDeadlineExceeded } from '@k8ts/cri';
import type { Container, ExecAction } from 'kubernetes-types/core/v1';
import type { ProbeContext, ProbeOutcome } from './types.ts';
import { expandStatic } from './spec.ts';

export const MAX_EXEC_OUTPUT_BYTES = 10 * 1024;

export async function execProbe(
  action: ExecAction,
  container: Container,
  containerId: string,
  timeoutSeconds: number,
  runtime: ProbeContext['runtime'],
): Promise<ProbeOutcome> {
  const cmd = expandStatic(action.command ?? [], container);
  try {
    const res = await runtime.execSync(containerId, cmd, timeoutSeconds);
    const output = Buffer.concat([res.stdout, res.stderr]).subarray(0, MAX_EXEC_OUTPUT_BYTES).toString('utf8');
    return { result: res.exit_code === 0 ? 'Success' : 'Failure', output };
  } catch (err) {
    if (isDeadlineExceeded(err)) return { result: 'Failure', output: `command ${JSON.stringify(cmd.join(' '))} timed out` };
    return { result: 'Unknown', output: '', error: isCriError(err) ? err.toString() : String((err as Error)?.message ?? err) };
  }
}
