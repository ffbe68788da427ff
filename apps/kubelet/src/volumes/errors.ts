// Error text as the Go kubelet prints it, so FailedMount events read as on a real node.
import type { VolumeFailure } from './types.ts';

/**
 * Node's `ENOENT: no such file or directory, open '/x'` as Go's `open /x: no such file or
 * directory`. Errors that are not system errors keep their message.
 */
export function goSystemError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (!(err instanceof Error) || typeof err.code !== 'string' || !err.syscall) return err instanceof Error ? err : new Error(String(e));
  const description = /^[A-Z0-9_]+: ([^,]+)/.exec(err.message)?.[1] ?? err.code;
  const subject = err.path ? ` ${err.path}` : '';
  const out = new Error(`${err.syscall}${subject}: ${description}`);
  (out as NodeJS.ErrnoException).code = err.code;
  return out;
}

/** Several errors as one, the way apimachinery's aggregate prints them: one alone, else `[a, b]`. */
export class AggregateVolumeError extends Error {
  constructor(readonly errors: Error[]) {
    const messages = [...new Set(errors.map((e) => e.message))];
    super(messages.length === 1 ? messages[0]! : `[${messages.join(', ')}]`);
    this.name = 'AggregateVolumeError';
  }
}

export function aggregate(errors: Error[]): Error | undefined {
  if (errors.length === 0) return undefined;
  return errors.length === 1 ? errors[0] : new AggregateVolumeError(errors);
}

export function setUpFailure(volume: string, e: unknown): VolumeFailure {
  const error = goSystemError(e);
  return { volume, error, message: `MountVolume.SetUp failed for volume "${volume}" : ${error.message}` };
}

export const isErrno = (e: unknown, code: string): boolean => (e as NodeJS.ErrnoException | undefined)?.code === code;
