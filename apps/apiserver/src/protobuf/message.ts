// Walks one protobuf message with table.json and builds the JSON object encoding/json would write
// for the Go struct it unmarshals into. The Go rules that decide what appears:
//   - a pointer appears exactly when it was sent, even holding a zero value;
//   - `omitempty` drops zero scalars and empty or absent slices, maps and []byte;
//   - a slice, map or []byte that is absent and not `omitempty` is null (Go's nil);
//   - a non-pointer struct always appears (`omitempty` never drops a struct), its zero value when
//     absent — hence `status: {}` and `creationTimestamp: null`;
//   - a `,inline` embedded struct's fields join the outer object; the outer one's win a clash.
import table from './table.json' with { type: 'json' };
import { OPAQUE } from './opaque.ts';
import { decodeScalar, fromVarint, isScalar, wireTypeOf, zeroOf } from './scalar.ts';
import { BYTES, VARINT, WireError, readFields, readPacked, type WireValue } from './wire.ts';

export interface FieldSpec {
  json: string;
  /** A scalar name or a message's full protobuf name. */
  type: string;
  repeated?: boolean;
  /** The key's scalar type of a `map<key, type>` field. */
  map?: string;
  pointer?: boolean;
  omitempty?: boolean;
  inline?: boolean;
}

/** A struct's fields by protobuf number, or a named Go slice carried as `{ repeated items = 1 }`. */
export type MessageSpec = { fields: Record<string, FieldSpec> } | { items: string };

export interface ProtoTable {
  /** `apiVersion/kind` → message name. */
  kinds: Record<string, string>;
  messages: Record<string, MessageSpec>;
}

export const TABLE: ProtoTable = table as ProtoTable;

const EMPTY = Buffer.alloc(0);

/** The JSON of a value of `type` (scalar or message) read from one wire value. */
function valueOf(type: string, v: WireValue, field: string): unknown {
  if (isScalar(type)) return decodeScalar(type, v, field);
  if (v.wireType !== BYTES) throw new WireError(`wrong wireType = ${v.wireType} for field ${field}`);
  return decodeType(type, v.bytes);
}

/** The JSON of a message of `type`; `bytes` empty gives the Go zero value. */
export function decodeType(type: string, bytes: Buffer): unknown {
  const opaque = OPAQUE.get(type);
  if (opaque) return opaque(bytes);
  const spec = TABLE.messages[type];
  if (!spec) throw new WireError(`no decoding rule for ${type}`);
  if ('items' in spec) return decodeItems(spec.items, bytes);
  return decodeStruct(spec.fields, bytes);
}

function decodeItems(type: string, bytes: Buffer): unknown[] {
  const items: unknown[] = [];
  for (const w of readFields(bytes)) if (w.number === 1) items.push(...listValues(type, w, 'Items'));
  return items;
}

/** One occurrence of a repeated field: one value, or several when numbers arrive packed. */
function listValues(type: string, w: WireValue, field: string): unknown[] {
  if (w.wireType === BYTES && isScalar(type) && wireTypeOf(type) === VARINT) {
    return readPacked(w.bytes).map((v) => fromVarint(type, v));
  }
  return [valueOf(type, w, field)];
}

function mapEntry(keyType: string, valueType: string, w: WireValue, field: string): [string, unknown] {
  if (w.wireType !== BYTES) throw new WireError(`wrong wireType = ${w.wireType} for field ${field}`);
  let key: unknown = isScalar(keyType) ? zeroOf(keyType) : '';
  let value: unknown;
  for (const e of readFields(w.bytes)) {
    if (e.number === 1) key = valueOf(keyType, e, `${field} key`);
    else if (e.number === 2) value = valueOf(valueType, e, `${field} value`);
  }
  if (value === undefined) value = isScalar(valueType) ? zeroOf(valueType) : decodeType(valueType, EMPTY);
  return [String(key), value];
}

const isList = (f: FieldSpec) => f.repeated === true || f.map !== undefined || f.type === 'bytes' || 'items' in (TABLE.messages[f.type] ?? {});

function decodeStruct(fields: Record<string, FieldSpec>, bytes: Buffer): Record<string, unknown> {
  // Singular message fields are collected as byte chunks: proto merges repeated occurrences of
  // one, and concatenating the chunks before decoding is exactly that merge.
  const sent = new Map<number, unknown>();
  const chunks = new Map<number, Buffer[]>();
  for (const w of readFields(bytes)) {
    const f = fields[w.number];
    if (!f) continue; // unknown fields are skipped, as generated Go code skips them
    if (f.map !== undefined) {
      const m = (sent.get(w.number) as Record<string, unknown> | undefined) ?? {};
      const [k, v] = mapEntry(f.map, f.type, w, f.json);
      // Keys come from the client: define them, so "__proto__" stays a plain key as JSON.parse keeps it.
      Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
      sent.set(w.number, m);
    } else if (f.repeated) {
      const list = (sent.get(w.number) as unknown[] | undefined) ?? [];
      list.push(...listValues(f.type, w, f.json));
      sent.set(w.number, list);
    } else if (isScalar(f.type)) {
      sent.set(w.number, decodeScalar(f.type, w, f.json));
    } else {
      if (w.wireType !== BYTES) throw new WireError(`wrong wireType = ${w.wireType} for field ${f.json}`);
      chunks.set(w.number, [...(chunks.get(w.number) ?? []), w.bytes]);
    }
  }

  const out: Record<string, unknown> = {};
  const inlined: Record<string, unknown>[] = [];
  for (const [n, f] of Object.entries(fields)) {
    const number = Number(n);
    const parts = chunks.get(number);
    const present = sent.has(number) || parts !== undefined;
    if (!present && (f.pointer || (f.omitempty && isList(f)))) continue;
    let value: unknown;
    if (parts !== undefined) value = decodeType(f.type, Buffer.concat(parts));
    else if (present) value = sent.get(number);
    else if (isList(f)) value = null;
    else if (!isScalar(f.type)) value = decodeType(f.type, EMPTY);
    else if (f.omitempty) continue;
    else value = zeroOf(f.type);
    if (f.inline) {
      inlined.push(value as Record<string, unknown>);
      continue;
    }
    if (f.omitempty && !f.pointer && isScalar(f.type) && (value === '' || value === 0 || value === false)) continue;
    out[f.json] = value;
  }
  for (const part of inlined) for (const [k, v] of Object.entries(part)) if (!(k in out)) out[k] = v;
  return out;
}
