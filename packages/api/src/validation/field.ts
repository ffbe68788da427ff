// Field errors as apimachinery's util/validation/field builds them: a cause per problem whose
// message is the ErrorBody (`Invalid value: "x": detail`) and whose field is the JSON path.
import type { StatusCause } from '../errors.ts';

export type Path = string;

export const child = (p: Path, ...names: string[]): Path => [p, ...names].filter((x) => x !== '').join('.');
export const index = (p: Path, i: number): Path => `${p}[${i}]`;
export const key = (p: Path, k: string): Path => `${p}[${k}]`;

/**
 * Renders a bad value the way the Go error does: strings quoted, numbers and booleans bare, string
 * lists and maps in Go syntax (`[]string{"a"}`, `map[string]string{"k":"v"}`), anything else as JSON.
 */
export function formatValue(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return `[]string{${v.map((x) => JSON.stringify(x)).join(', ')}}`;
  const entries = Object.entries(v as Record<string, unknown>);
  if (!Array.isArray(v) && entries.every(([, x]) => typeof x === 'string')) {
    const body = entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${JSON.stringify(x)}`);
    return `map[string]string{${body.join(', ')}}`;
  }
  return JSON.stringify(v);
}

const withDetail = (body: string, detail: string) => (detail ? `${body}: ${detail}` : body);

export const required = (field: Path, detail = ''): StatusCause => ({
  reason: 'FieldValueRequired', message: withDetail('Required value', detail), field,
});
export const invalid = (field: Path, value: unknown, detail: string): StatusCause => ({
  reason: 'FieldValueInvalid', message: withDetail(`Invalid value: ${formatValue(value)}`, detail), field,
});
export const notSupported = (field: Path, value: unknown, valid: readonly string[]): StatusCause => ({
  reason: 'FieldValueNotSupported',
  message: withDetail(
    `Unsupported value: ${formatValue(value)}`,
    valid.length ? `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` : '',
  ),
  field,
});
export const duplicate = (field: Path, value: unknown): StatusCause => ({
  reason: 'FieldValueDuplicate', message: `Duplicate value: ${formatValue(value)}`, field,
});
export const forbidden = (field: Path, detail: string): StatusCause => ({
  reason: 'FieldValueForbidden', message: withDetail('Forbidden', detail), field,
});
export const tooLong = (field: Path, maxBytes: number): StatusCause => ({
  reason: 'FieldValueTooLong', message: `Too long: may not be more than ${maxBytes} bytes`, field,
});
export const tooMany = (field: Path, actual: number, max: number): StatusCause => ({
  reason: 'FieldValueTooMany', message: `Too many: ${actual}: must have at most ${max} items`, field,
});

/** One Invalid cause per message of a `[]string` validator (the upstream `IsXxx` shape). */
export const invalidEach = (field: Path, value: unknown, msgs: string[]): StatusCause[] =>
  msgs.map((m) => invalid(field, value, m));

export const IS_NEGATIVE = 'must be greater than or equal to 0';
export const IMMUTABLE = 'field is immutable';

export const nonNegative = (field: Path, v: unknown): StatusCause[] =>
  typeof v === 'number' && v < 0 ? [invalid(field, v, IS_NEGATIVE)] : [];
export const positive = (field: Path, v: unknown): StatusCause[] =>
  typeof v === 'number' && v <= 0 ? [invalid(field, v, 'must be greater than 0')] : [];

/** Structural equality over JSON values, with a missing key equal to an undefined one. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export const immutable = (field: Path, now: unknown, old: unknown): StatusCause[] =>
  deepEqual(now, old) ? [] : [invalid(field, now, IMMUTABLE)];
