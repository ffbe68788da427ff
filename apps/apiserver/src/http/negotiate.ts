// Content negotiation for responses (Accept) and requests (Content-Type).
import { badRequest, notAcceptable, tooLarge, unsupportedMediaType } from '@k8ts/api';
import { parse as parseYaml } from 'yaml';
import { decodeProtobuf, PROTOBUF_CONTENT_TYPE } from '../protobuf/decode.ts';

export type IncludeObject = 'None' | 'Metadata' | 'Object';
export type Representation = { as: 'json' } | { as: 'table'; includeObject: IncludeObject };

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

const parseAccept = (accept: string): MediaRange[] =>
  accept.split(',').map((part) => {
    const [type = '', ...ps] = part.split(';').map((s) => s.trim());
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim()] = p.slice(i + 1).trim();
    }
    return { type: type.toLowerCase(), params };
  });

/**
 * The first acceptable representation in the client's order: a meta.k8s.io Table when asked
 * for (`application/json;as=Table;v=v1;g=meta.k8s.io`), else plain JSON. Protobuf alone is 406.
 */
export function negotiate(accept: string | undefined, query: Record<string, unknown>, tableAllowed: boolean): Representation {
  if (!accept) return { as: 'json' };
  for (const m of parseAccept(accept)) {
    const jsonish = m.type === 'application/json' || m.type === '*/*' || m.type === 'application/*';
    if (!jsonish && m.type !== 'application/yaml') continue;
    if (m.params.as === 'Table') {
      if (!tableAllowed || m.params.g !== 'meta.k8s.io' || (m.params.v !== 'v1' && m.params.v !== 'v1beta1')) continue;
      const io = String(query.includeObject ?? 'Metadata');
      if (io !== 'None' && io !== 'Metadata' && io !== 'Object') throw badRequest(`includeObject: Unsupported value: "${io}"`);
      return { as: 'table', includeObject: io };
    }
    if (m.params.as) continue;
    return { as: 'json' };
  }
  throw notAcceptable(`only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`);
}

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** Decodes a JSON or YAML request body into one object; 400 for anything that is not one. */
export function decodeBody(body: Buffer | undefined, contentType: string | undefined): unknown {
  if (!body || body.length === 0) throw badRequest('the request body is empty');
  if (body.length > MAX_BODY_BYTES) throw tooLarge('Request entity too large: limit is 3145728');
  const type = (contentType ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  // kubectl's generators (`kubectl create deployment …`) send protobuf.
  if (type === PROTOBUF_CONTENT_TYPE) return decodeProtobuf(body);
  const text = body.toString('utf8');
  let value: unknown;
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      value = JSON.parse(text);
    } catch (e) {
      throw badRequest(`the body of the request could not be decoded as JSON: ${(e as Error).message}`);
    }
  } else if (type === 'application/yaml' || type === 'application/apply-patch+yaml' || type === 'application/x-yaml' || type === 'text/yaml') {
    try {
      value = parseYaml(text, { maxAliasCount: 100 });
    } catch (e) {
      throw badRequest(`the body of the request could not be decoded as YAML: ${(e as Error).message.split('\n')[0]}`);
    }
  } else {
    throw unsupportedMediaType(type);
  }
  return value;
}

/** An object body: anything else (array, string, null) is a 400 naming what arrived. */
export function decodeObject(body: Buffer | undefined, contentType: string | undefined): Record<string, unknown> {
  const value = decodeBody(body, contentType);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw badRequest(`the body of the request must be a JSON object, got ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`);
  }
  return value as Record<string, unknown>;
}
