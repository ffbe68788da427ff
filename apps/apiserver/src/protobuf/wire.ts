// The protobuf wire format, read only: tags, varints, fixed-width numbers and length-delimited
// payloads. Groups (wire types 3 and 4) are rejected, as Kubernetes' generated code rejects them.

/** A body that does not follow the wire format; decode.ts turns it into a 400. */
export class WireError extends Error {}

export const VARINT = 0;
export const FIXED64 = 1;
export const BYTES = 2;
export const FIXED32 = 5;

export type WireValue =
  | { wireType: typeof VARINT; varint: bigint }
  | { wireType: typeof FIXED64 | typeof FIXED32 | typeof BYTES; bytes: Buffer };

export type WireField = WireValue & { number: number };

/** Reads one base-128 varint at `at`; returns the value (as unsigned 64 bits) and the next offset. */
export function readVarint(buf: Buffer, at: number): [bigint, number] {
  let value = 0n;
  for (let i = 0; i < 10; i++) {
    const b = buf[at + i];
    if (b === undefined) throw new WireError('unexpected EOF');
    value |= BigInt(b & 0x7f) << BigInt(7 * i);
    if (b < 0x80) return [BigInt.asUintN(64, value), at + i + 1];
  }
  throw new WireError('integer overflow');
}

function take(buf: Buffer, at: number, n: number): Buffer {
  if (n < 0 || at + n > buf.length) throw new WireError('unexpected EOF');
  return buf.subarray(at, at + n);
}

/** Every field of one message in wire order; the payloads are views into `buf`. */
export function* readFields(buf: Buffer): Generator<WireField> {
  let at = 0;
  while (at < buf.length) {
    const [tag, next] = readVarint(buf, at);
    at = next;
    const number = Number(tag >> 3n);
    const wireType = Number(tag & 7n);
    if (number <= 0 || number > 0x1fffffff) throw new WireError(`illegal tag ${number} (wire type ${wireType})`);
    switch (wireType) {
      case VARINT: {
        const [varint, after] = readVarint(buf, at);
        at = after;
        yield { number, wireType, varint };
        break;
      }
      case FIXED64:
      case FIXED32: {
        const bytes = take(buf, at, wireType === FIXED64 ? 8 : 4);
        at += bytes.length;
        yield { number, wireType, bytes };
        break;
      }
      case BYTES: {
        const [length, after] = readVarint(buf, at);
        if (length > BigInt(buf.length)) throw new WireError('unexpected EOF');
        const bytes = take(buf, after, Number(length));
        at = after + bytes.length;
        yield { number, wireType, bytes };
        break;
      }
      default:
        throw new WireError(`illegal wire type ${wireType} for field ${number}`);
    }
  }
}

/** The varints of a packed repeated scalar field. */
export function readPacked(buf: Buffer): bigint[] {
  const out: bigint[] = [];
  for (let at = 0; at < buf.length; ) {
    const [v, next] = readVarint(buf, at);
    out.push(v);
    at = next;
  }
  return out;
}
