// Scalar protobuf values as encoding/json writes the Go fields they unmarshal into.
import { BYTES, FIXED32, FIXED64, VARINT, WireError, type WireValue } from './wire.ts';

export type Scalar = 'string' | 'bool' | 'bytes' | 'int32' | 'int64' | 'uint32' | 'uint64' | 'double' | 'float';

const SCALARS: ReadonlySet<string> = new Set<Scalar>(['string', 'bool', 'bytes', 'int32', 'int64', 'uint32', 'uint64', 'double', 'float']);

export const isScalar = (type: string): type is Scalar => SCALARS.has(type);

const utf8 = new TextDecoder('utf-8');

/** The wire type a non-packed value of `type` travels as. */
export function wireTypeOf(type: Scalar): number {
  switch (type) {
    case 'string':
    case 'bytes':
      return BYTES;
    case 'double':
      return FIXED64;
    case 'float':
      return FIXED32;
    default:
      return VARINT;
  }
}

/** A varint-encoded number as its declared type reads it (int32 keeps the low 32 bits, signed). */
export function fromVarint(type: Scalar, v: bigint): number | boolean {
  switch (type) {
    case 'bool':
      return v !== 0n;
    case 'int32':
      return Number(BigInt.asIntN(32, v));
    case 'uint32':
      return Number(BigInt.asUintN(32, v));
    case 'int64':
      return Number(BigInt.asIntN(64, v));
    default:
      return Number(v);
  }
}

/**
 * One scalar value. Strings are not checked for valid UTF-8 (Go keeps the bytes; its JSON
 * encoder then writes U+FFFD for them, as TextDecoder does). `bytes` become base64, as
 * encoding/json writes a []byte.
 */
export function decodeScalar(type: Scalar, v: WireValue, field: string): string | number | boolean {
  if (v.wireType !== wireTypeOf(type)) throw new WireError(`wrong wireType = ${v.wireType} for field ${field}`);
  if (v.wireType === VARINT) return fromVarint(type, v.varint);
  switch (type) {
    case 'string':
      return utf8.decode(v.bytes);
    case 'bytes':
      return v.bytes.toString('base64');
    case 'double':
      return v.bytes.readDoubleLE(0);
    default:
      return v.bytes.readFloatLE(0);
  }
}

/** The Go zero value of a scalar as JSON. */
export const zeroOf = (type: Scalar): string | number | boolean =>
  type === 'string' || type === 'bytes' ? '' : type === 'bool' ? false : 0;
