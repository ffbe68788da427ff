// The apimachinery types whose JSON is not the JSON of their protobuf fields. Each converter gets
// the message's bytes (empty when a non-pointer field was absent, which is the Go zero value).
import { isValidQuantity } from '@k8ts/api';
import { decodeScalar } from './scalar.ts';
import { BYTES, WireError, readFields, type WireField } from './wire.ts';

type Converter = (bytes: Buffer) => unknown;

const META = 'k8s.io.apimachinery.pkg.apis.meta.v1';

/** Field number → last value of each field, as proto2 merges repeated occurrences of a scalar. */
function lastValues(bytes: Buffer): Map<number, WireField> {
  const values = new Map<number, WireField>();
  for (const f of readFields(bytes)) values.set(f.number, f);
  return values;
}

function int(values: Map<number, WireField>, number: number, type: 'int32' | 'int64', name: string): number {
  const f = values.get(number);
  return f ? (decodeScalar(type, f, name) as number) : 0;
}

// Go's time.Time JSON is limited to four-digit years.
const MIN_SECONDS = -62167219200; // 0000-01-01T00:00:00Z
const MAX_SECONDS = 253402300799; // 9999-12-31T23:59:59Z

function utcDate(seconds: number): string {
  if (seconds < MIN_SECONDS || seconds > MAX_SECONDS) throw new WireError('Time.MarshalJSON: year outside of range [0,9999]');
  return new Date(seconds * 1000).toISOString().slice(0, 19);
}

/** metav1.Time: whole seconds (upstream drops nanos on read), RFC 3339 in UTC; zero is null. */
function time(bytes: Buffer): string | null {
  if (bytes.length === 0) return null;
  return `${utcDate(int(lastValues(bytes), 1, 'int64', 'Seconds'))}Z`;
}

/** metav1.MicroTime: nanos truncated to microseconds, six fraction digits; zero is null. */
function microTime(bytes: Buffer): string | null {
  if (bytes.length === 0) return null;
  const values = lastValues(bytes);
  const micros = BigInt(int(values, 1, 'int64', 'Seconds')) * 1_000_000n + BigInt(Math.trunc(int(values, 2, 'int32', 'Nanos') / 1000));
  const seconds = micros / 1_000_000n - (micros % 1_000_000n < 0n ? 1n : 0n);
  const fraction = micros - seconds * 1_000_000n;
  return `${utcDate(Number(seconds))}.${fraction.toString().padStart(6, '0')}Z`;
}

/** resource.Quantity: the string form; the zero Quantity is "0". Upstream rejects unparsable text. */
function quantity(bytes: Buffer): string {
  const f = lastValues(bytes).get(1);
  if (!f) return '0';
  const s = decodeScalar('string', f, 'String_') as string;
  if (!isValidQuantity(s)) {
    throw new WireError("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  }
  return s;
}

/** intstr.IntOrString: type 0 is the int, type 1 the string. */
function intOrString(bytes: Buffer): number | string {
  const values = lastValues(bytes);
  const type = values.get(1);
  const kind = type ? decodeScalar('int64', type, 'Type') : 0;
  if (kind === 0) return int(values, 2, 'int32', 'IntVal');
  if (kind !== 1) throw new WireError('impossible IntOrString.Type');
  const str = values.get(3);
  return str ? (decodeScalar('string', str, 'StrVal') as string) : '';
}

/** metav1.FieldsV1: its raw bytes are JSON already; nil is null. */
function fieldsV1(bytes: Buffer): unknown {
  const raw = lastValues(bytes).get(1);
  if (!raw) return null;
  if (raw.wireType !== BYTES) throw new WireError(`wrong wireType = ${raw.wireType} for field Raw`);
  try {
    return JSON.parse(raw.bytes.toString('utf8'));
  } catch {
    throw new WireError('FieldsV1 does not hold JSON');
  }
}

export const OPAQUE: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  [`${META}.Time`, time],
  [`${META}.MicroTime`, microTime],
  [`${META}.FieldsV1`, fieldsV1],
  ['k8s.io.apimachinery.pkg.api.resource.Quantity', quantity],
  ['k8s.io.apimachinery.pkg.util.intstr.IntOrString', intOrString],
]);
