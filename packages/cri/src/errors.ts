// The one translation table between gRPC status codes and the CRI errors the kubelet handles.
// A runtime's answer keeps its own text in `message`; `toString()` renders it the way Go's
// grpc status does ("rpc error: code = NotFound desc = …"), which is the text upstream kubelets
// put into events and container `waiting.message`.
import { status as GrpcStatus } from '@grpc/grpc-js';

/** gRPC code number → the name Go's codes.Code prints. */
export const CRI_ERROR_CODES = {
  [GrpcStatus.CANCELLED]: 'Canceled',
  [GrpcStatus.UNKNOWN]: 'Unknown',
  [GrpcStatus.INVALID_ARGUMENT]: 'InvalidArgument',
  [GrpcStatus.DEADLINE_EXCEEDED]: 'DeadlineExceeded',
  [GrpcStatus.NOT_FOUND]: 'NotFound',
  [GrpcStatus.ALREADY_EXISTS]: 'AlreadyExists',
  [GrpcStatus.PERMISSION_DENIED]: 'PermissionDenied',
  [GrpcStatus.RESOURCE_EXHAUSTED]: 'ResourceExhausted',
  [GrpcStatus.FAILED_PRECONDITION]: 'FailedPrecondition',
  [GrpcStatus.ABORTED]: 'Aborted',
  [GrpcStatus.OUT_OF_RANGE]: 'OutOfRange',
  [GrpcStatus.UNIMPLEMENTED]: 'Unimplemented',
  [GrpcStatus.INTERNAL]: 'Internal',
  [GrpcStatus.UNAVAILABLE]: 'Unavailable',
  [GrpcStatus.DATA_LOSS]: 'DataLoss',
  [GrpcStatus.UNAUTHENTICATED]: 'Unauthenticated',
} as const satisfies Record<number, string>;

export type CriErrorCode = (typeof CRI_ERROR_CODES)[keyof typeof CRI_ERROR_CODES];

const BY_NAME = new Map<CriErrorCode, number>(
  Object.entries(CRI_ERROR_CODES).map(([n, name]) => [name, Number(n)]),
);

export class CriError extends Error {
  override readonly name = 'CriError';
  constructor(
    readonly code: CriErrorCode,
    readonly grpcCode: number,
    message: string,
  ) {
    super(message);
  }
  override toString(): string {
    return `rpc error: code = ${this.code} desc = ${this.message}`;
  }
}

/** An error as a runtime would return it (used by the fake runtime and tests). */
export function criError(code: CriErrorCode, message: string): CriError {
  return new CriError(code, BY_NAME.get(code) ?? GrpcStatus.UNKNOWN, message);
}

interface GrpcLikeError { code?: unknown; details?: unknown; message?: unknown }

/** Translates what @grpc/grpc-js rejects with; anything without a known code becomes Unknown. */
export function fromGrpcError(err: unknown): CriError {
  if (err instanceof CriError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as GrpcLikeError;
  const grpcCode = typeof e.code === 'number' ? e.code : GrpcStatus.UNKNOWN;
  const code: CriErrorCode = CRI_ERROR_CODES[grpcCode as keyof typeof CRI_ERROR_CODES] ?? 'Unknown';
  const message =
    typeof e.details === 'string' && e.details !== ''
      ? e.details
      : typeof e.message === 'string' ? e.message : String(err);
  return new CriError(code, grpcCode, message);
}

export const isCriError = (err: unknown, code?: CriErrorCode): err is CriError =>
  err instanceof CriError && (code === undefined || err.code === code);
export const isNotFound = (err: unknown): err is CriError => isCriError(err, 'NotFound');
export const isUnavailable = (err: unknown): err is CriError => isCriError(err, 'Unavailable');
export const isDeadlineExceeded = (err: unknown): err is CriError => isCriError(err, 'DeadlineExceeded');
