import { status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { CriError, criError, fromGrpcError, isNotFound } from './errors.ts';

describe('fromGrpcError', () => {
  const cases = [
    { name: 'NOT_FOUND keeps the details', err: { code: status.NOT_FOUND, details: 'an error occurred when try to find container "x": not found', message: '5 NOT_FOUND: …' }, code: 'NotFound', text: 'rpc error: code = NotFound desc = an error occurred when try to find container "x": not found' },
    { name: 'UNAVAILABLE (runtime down)', err: { code: status.UNAVAILABLE, details: 'No connection established' }, code: 'Unavailable', text: 'rpc error: code = Unavailable desc = No connection established' },
    { name: 'DEADLINE_EXCEEDED', err: { code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, code: 'DeadlineExceeded', text: 'rpc error: code = DeadlineExceeded desc = Deadline exceeded' },
    { name: 'UNKNOWN from a pull', err: { code: status.UNKNOWN, details: 'failed to pull and unpack image "x"' }, code: 'Unknown', text: 'rpc error: code = Unknown desc = failed to pull and unpack image "x"' },
    { name: 'no details falls back to message', err: { code: status.INTERNAL, details: '', message: 'boom' }, code: 'Internal', text: 'rpc error: code = Internal desc = boom' },
    { name: 'a plain Error becomes Unknown', err: new Error('socket closed'), code: 'Unknown', text: 'rpc error: code = Unknown desc = socket closed' },
    { name: 'an unknown number becomes Unknown', err: { code: 99, details: 'odd' }, code: 'Unknown', text: 'rpc error: code = Unknown desc = odd' },
  ];
  it.each(cases)('$name', ({ err, code, text }) => {
    const e = fromGrpcError(err);
    expect(e).toBeInstanceOf(CriError);
    expect(e.code).toBe(code);
    expect(String(e)).toBe(text);
  });

  it('round-trips every named code through criError', () => {
    for (const [n, name] of Object.entries({ 1: 'Canceled', 5: 'NotFound', 6: 'AlreadyExists', 9: 'FailedPrecondition', 14: 'Unavailable', 16: 'Unauthenticated' } as const)) {
      const e = criError(name, 'm');
      expect([e.grpcCode, fromGrpcError({ code: Number(n), details: 'm' }).code]).toEqual([Number(n), name]);
    }
    expect(isNotFound(criError('NotFound', 'x'))).toBe(true);
    expect(isNotFound(criError('Unknown', 'x'))).toBe(false);
  });
});
