// ConfigMap and Secret content as atomic-writer payloads (upstream's MakePayload for each
// plugin), plus the lookups that treat a missing optional object as empty.
import { isApiError, notFound } from '@k8ts/api';
import type { ConfigMap, KeyToPath, Secret } from 'kubernetes-types/core/v1';
import type { FileProjection } from './atomic-writer.ts';
import type { ConfigMapValues, SecretValues, VolumeSources } from './types.ts';

/** The API server defaults every `defaultMode` of these sources to 0644; objects may skip defaulting. */
export const DEFAULT_MODE = 0o644;

const utf8 = new TextEncoder();

/** Values of a ConfigMap object (binaryData is base64 on the wire). */
export function configMapValues(cm: Pick<ConfigMap, 'data' | 'binaryData'>): ConfigMapValues {
  const binaryData: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) binaryData[k] = Buffer.from(v, 'base64');
  return { data: { ...(cm.data ?? {}) }, binaryData };
}

/** Values of a Secret object, base64 decoded. */
export function secretValues(secret: Pick<Secret, 'data'>): SecretValues {
  const data: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(secret.data ?? {})) data[k] = Buffer.from(v, 'base64');
  return { data };
}

async function lookUp<T>(get: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await get();
  } catch (e) {
    if (isApiError(e, 'NotFound')) return undefined;
    throw e;
  }
}

/**
 * The ConfigMap, or empty values when it is missing and `optional`. A missing required one is
 * the kubelet cache's NotFound: `configmap "x" not found`.
 */
export async function getConfigMap(sources: VolumeSources, namespace: string, name: string, optional: boolean): Promise<ConfigMapValues> {
  const values = await lookUp(() => sources.configMap(namespace, name));
  if (values) return values;
  if (optional) return { data: {}, binaryData: {} };
  throw notFound({ resource: 'configmap' }, name);
}

export async function getSecret(sources: VolumeSources, namespace: string, name: string, optional: boolean): Promise<SecretValues> {
  const values = await lookUp(() => sources.secret(namespace, name));
  if (values) return values;
  if (optional) return { data: {} };
  throw notFound({ resource: 'secret' }, name);
}

/** Without items every key becomes a file; with items only the listed keys, at their paths. */
function project(
  entries: ReadonlyMap<string, Uint8Array>,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
  missingKey: (key: string) => string,
): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  if (!items || items.length === 0) {
    for (const [key, data] of entries) payload.set(key, { data, mode: defaultMode });
    return payload;
  }
  for (const item of items) {
    const data = entries.get(item.key);
    if (data === undefined) {
      if (optional) continue;
      throw new Error(missingKey(item.key));
    }
    payload.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return payload;
}

export function configMapPayload(
  values: ConfigMapValues,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
): Map<string, FileProjection> {
  const entries = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries(values.binaryData)) entries.set(k, v);
  // A key in both maps is invalid in the API; string data wins as upstream looks it up first.
  for (const [k, v] of Object.entries(values.data)) entries.set(k, utf8.encode(v));
  return project(entries, items, defaultMode, optional, (key) => `configmap references non-existent config key: ${key}`);
}

export function secretPayload(
  values: SecretValues,
  items: readonly KeyToPath[] | undefined,
  defaultMode: number,
  optional: boolean,
): Map<string, FileProjection> {
  const entries = new Map(Object.entries(values.data));
  return project(entries, items, defaultMode, optional, (key) => `references non-existent secret key: ${key}`);
}
