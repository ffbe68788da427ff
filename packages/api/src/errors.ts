// One error type carrying a Kubernetes Status (apimachinery's api/errors). Every component
// throws it, the apiserver serialises it, the client rebuilds it from a response body.

export type StatusReason =
  | 'BadRequest'
  | 'Unauthorized'
  | 'Forbidden'
  | 'NotFound'
  | 'AlreadyExists'
  | 'Conflict'
  | 'Gone'
  | 'Expired'
  | 'Invalid'
  | 'MethodNotAllowed'
  | 'NotAcceptable'
  | 'RequestEntityTooLarge'
  | 'UnsupportedMediaType'
  | 'TooManyRequests'
  | 'InternalError'
  | 'ServiceUnavailable'
  | 'Timeout';

export type CauseType =
  | 'FieldValueRequired'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldManagerConflict'
  | 'FieldValueTypeInvalid'
  | 'UnexpectedServerResponse'
  | 'ExitCode';

export interface StatusCause {
  reason: CauseType | string;
  message: string;
  field?: string;
}

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  uid?: string;
  causes?: StatusCause[];
  retryAfterSeconds?: number;
}

export interface Status {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: { resourceVersion?: string; continue?: string };
  status: 'Success' | 'Failure';
  message?: string;
  reason?: StatusReason | string;
  details?: StatusDetails;
  code: number;
}

export class ApiError extends Error {
  readonly code: number;
  readonly reason: StatusReason | string;
  readonly details: StatusDetails | undefined;

  constructor(code: number, reason: StatusReason | string, message: string, details?: StatusDetails) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.reason = reason;
    this.details = details;
  }

  toStatus(): Status {
    const s: Status = {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: this.message,
      reason: this.reason,
      code: this.code,
    };
    if (this.details) s.details = this.details;
    return s;
  }

  /** Rebuilds the error a server sent; anything that is not a Status becomes an InternalError. */
  static fromStatus(code: number, body: unknown): ApiError {
    const s = body as Partial<Status> | undefined;
    if (s && typeof s === 'object' && s.kind === 'Status') {
      return new ApiError(s.code ?? code, s.reason ?? 'InternalError', s.message ?? '', s.details);
    }
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    return new ApiError(code, code >= 500 ? 'InternalError' : 'BadRequest', `unexpected response ${code}: ${text}`);
  }
}

export const isApiError = (e: unknown, reason?: StatusReason): e is ApiError =>
  e instanceof ApiError && (reason === undefined || e.reason === reason);

/** The resource part of an error: `pods`, or `deployments.apps`. */
export interface ErrorTarget {
  group?: string;
  resource: string;
}

const qualified = (t: ErrorTarget) => (t.group ? `${t.resource}.${t.group}` : t.resource);
const details = (t: ErrorTarget, name: string): StatusDetails => ({
  name,
  ...(t.group ? { group: t.group } : {}),
  kind: t.resource,
});

export const notFound = (t: ErrorTarget, name: string) =>
  new ApiError(404, 'NotFound', `${qualified(t)} "${name}" not found`, details(t, name));

export const alreadyExists = (t: ErrorTarget, name: string) =>
  new ApiError(409, 'AlreadyExists', `${qualified(t)} "${name}" already exists`, details(t, name));

export const conflict = (t: ErrorTarget, name: string, why: string) =>
  new ApiError(409, 'Conflict', `Operation cannot be fulfilled on ${qualified(t)} "${name}": ${why}`, details(t, name));

/** 422 with field causes; `kind` is the object's Kind (`Pod`), as upstream's NewInvalid. */
export const invalid = (kind: string, name: string, causes: StatusCause[], group?: string) => {
  const list = causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));
  const summary = list.length === 1 ? list[0] : `[${list.join(', ')}]`;
  return new ApiError(422, 'Invalid', `${kind}${group ? `.${group}` : ''} "${name}" is invalid: ${summary}`, {
    name,
    ...(group ? { group } : {}),
    kind,
    causes,
  });
};

export const badRequest = (message: string) => new ApiError(400, 'BadRequest', message);
export const forbidden = (t: ErrorTarget, name: string, why: string) =>
  new ApiError(403, 'Forbidden', `${qualified(t)} "${name}" is forbidden: ${why}`, details(t, name));
export const methodNotAllowed = (message: string) => new ApiError(405, 'MethodNotAllowed', message);
export const notAcceptable = (message: string) => new ApiError(406, 'NotAcceptable', message);
export const gone = (message: string) => new ApiError(410, 'Gone', message);
export const expired = (message: string) => new ApiError(410, 'Expired', message);
export const tooLarge = (message: string) => new ApiError(413, 'RequestEntityTooLarge', message);
export const unsupportedMediaType = (type: string) =>
  new ApiError(415, 'UnsupportedMediaType', `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/apply-patch+yaml, application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json${type ? ` (got ${type})` : ''}`);
export const tooManyRequests = (message: string, retryAfterSeconds = 1) =>
  new ApiError(429, 'TooManyRequests', message, { retryAfterSeconds });
export const internalError = (message: string) => new ApiError(500, 'InternalError', `Internal error occurred: ${message}`);
export const serviceUnavailable = (message: string) => new ApiError(503, 'ServiceUnavailable', message);
export const timeout = (message: string) => new ApiError(504, 'Timeout', message);
