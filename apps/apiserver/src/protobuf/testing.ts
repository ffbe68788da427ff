// A minimal protobuf writer for tests: enough to build bodies by hand, field by field.

/** A varint's bytes; negative numbers take ten bytes, as proto encodes a negative int32/int64. */
export function varint(n: number | bigint): Buffer {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return Buffer.from(out);
}

export const tag = (number: number, wireType: number) => varint((number << 3) | wireType);

/** A varint field. */
export const num = (number: number, n: number | bigint | boolean) => Buffer.concat([tag(number, 0), varint(typeof n === 'boolean' ? Number(n) : n)]);

/** A length-delimited field holding a string, raw bytes or the concatenated fields of a message. */
export function ld(number: number, ...parts: (string | Buffer)[]): Buffer {
  const body = Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)));
  return Buffer.concat([tag(number, 2), varint(body.length), body]);
}

/** A whole request body: magic, then runtime.Unknown carrying the object's message. */
export const envelope = (apiVersion: string, kind: string, ...fields: Buffer[]) =>
  Buffer.concat([Buffer.from('k8s\0', 'latin1'), ld(1, ld(1, apiVersion), ld(2, kind)), ld(2, ...fields)]);
