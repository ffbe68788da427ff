// Request bodies in `application/vnd.kubernetes.protobuf`: the 4-byte magic "k8s\0", then a
// runtime.Unknown { 1 typeMeta { 1 apiVersion, 2 kind }, 2 raw, 3 contentEncoding, 4 contentType }
// whose `raw` is the object's own message.
import { ApiError, badRequest } from '@k8ts/api';
import { TABLE, decodeType } from './message.ts';
import { BYTES, WireError, readFields } from './wire.ts';

export const PROTOBUF_CONTENT_TYPE = 'application/vnd.kubernetes.protobuf';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
}

function readEnvelope(body: Buffer): Envelope {
  const env: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0) };
  for (const f of readFields(body.subarray(MAGIC.length))) {
    if (f.number !== 1 && f.number !== 2) continue; // contentEncoding and contentType carry nothing we use
    if (f.wireType !== BYTES) throw new WireError(`wrong wireType = ${f.wireType} for field ${f.number === 1 ? 'TypeMeta' : 'Raw'}`);
    if (f.number === 2) {
      env.raw = f.bytes;
      continue;
    }
    for (const t of readFields(f.bytes)) {
      if (t.number !== 1 && t.number !== 2) continue;
      if (t.wireType !== BYTES) throw new WireError(`wrong wireType = ${t.wireType} for field ${t.number === 1 ? 'APIVersion' : 'Kind'}`);
      if (t.number === 1) env.apiVersion = t.bytes.toString('utf8');
      else if (t.number === 2) env.kind = t.bytes.toString('utf8');
    }
  }
  return env;
}

/**
 * Decodes a Kubernetes protobuf body into the JSON object upstream's JSON encoding of the same Go
 * value would give, `kind` and `apiVersion` first: omitempty zero values dropped, pointer fields
 * kept even when zero, []byte as base64, IntOrString/Quantity/Time in their JSON forms.
 * Unknown kinds and malformed bytes are a 400 BadRequest.
 */
export function decodeProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length === 0) throw badRequest('empty data');
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest(`provided data does not appear to be a protobuf message, expected prefix [${[...MAGIC].join(' ')}]`);
  }
  if (body.length === MAGIC.length) throw badRequest('empty body');
  let env: Envelope;
  try {
    env = readEnvelope(body);
  } catch (e) {
    throw asBadRequest(e, 'the object provided is unrecognized');
  }
  const { apiVersion, kind } = env;
  if (!kind) throw badRequest(`Object 'Kind' is missing in '${describe(env)}'`);
  if (!apiVersion) throw badRequest(`Object 'apiVersion' is missing in '${describe(env)}'`);
  const message = TABLE.kinds[`${apiVersion}/${kind}`];
  if (!message) throw badRequest(`no kind "${kind}" is registered for version "${apiVersion}"`);
  try {
    return { kind, apiVersion, ...(decodeType(message, env.raw) as Record<string, unknown>) };
  } catch (e) {
    throw asBadRequest(e, `${kind} in version "${apiVersion.split('/').pop()}" cannot be handled as a ${kind}`);
  }
}

const describe = (env: Envelope) => `{apiVersion: ${JSON.stringify(env.apiVersion)}, kind: ${JSON.stringify(env.kind)}}`;

/** Wire and range errors become 400s; anything else is a bug and stays as thrown. */
function asBadRequest(e: unknown, context: string): unknown {
  if (e instanceof ApiError) return e;
  if (e instanceof WireError || e instanceof RangeError) return badRequest(`${context}: ${e.message}`);
  return e;
}
