// The one table that turns etcd/gRPC failures into API errors (etcd's v3rpc toGRPCErrorMap, in
// reverse). Anything that means "etcd is not there right now" is a 503 the client may retry; an
// error we do not recognise is still never allowed to look like bad input.
import { ApiError, serviceUnavailable, timeout } from '@k8ts/api';

const UNAVAILABLE = [
  'GRPCUnavailableError',
  'GRPCConnectFailedError',
  'EtcdLeaderElectionError',
  'EtcdNoLeaderError',
  'BrokenCircuitError',
  'IsolatedCircuitError',
  'BulkheadRejectedError',
  'TaskCancelledError',
];
const TIMEOUT = ['GRPCDeadlineExceededError', 'TimeoutError'];

export function etcdError(e: unknown, op: string): ApiError {
  if (e instanceof ApiError) return e;
  const name = (e as Error | undefined)?.constructor?.name ?? '';
  const message = (e as Error | undefined)?.message ?? String(e);
  if (TIMEOUT.includes(name) || /deadline/i.test(message)) {
    return timeout(`etcd ${op} timed out: ${message}`);
  }
  if (UNAVAILABLE.includes(name) || /unavailable|ECONNREFUSED|connect|breaker|circuit/i.test(message)) {
    return serviceUnavailable(`etcd is unavailable (${op}): ${message}`);
  }
  return new ApiError(500, 'InternalError', `Internal error occurred: etcd ${op}: ${message}`);
}

/** Revisions etcd has compacted away: a 410 for watches and continues. */
export const isCompacted = (e: unknown) => /compacted|revision has been compacted/i.test((e as Error)?.message ?? '');
