// Downward API files: pod metadata through fieldRef and container resources through
// resourceFieldRef, rendered as upstream's fieldpath and resource helpers render them.
import { parseQuantity, quantityMilli } from '@k8ts/api';
import type { Container, DownwardAPIVolumeFile, ObjectFieldSelector, ResourceFieldSelector } from 'kubernetes-types/core/v1';
import type { FileProjection } from './atomic-writer.ts';
import { aggregate } from './errors.ts';
import type { PodLike } from './types.ts';

const utf8 = new TextEncoder();
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;
const ESCAPES: Record<string, string> = { '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '"': '\\"', '\\': '\\\\' };

/** Go's `%q` of a string: printable runes kept, the rest escaped. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const escaped = ESCAPES[ch];
    if (escaped) out += escaped;
    else if (PRINTABLE.test(ch)) out += ch;
    else {
      const cp = ch.codePointAt(0)!;
      if (cp < 0x80) out += `\\x${cp.toString(16).padStart(2, '0')}`;
      else if (cp <= 0xffff) out += `\\u${cp.toString(16).padStart(4, '0')}`;
      else out += `\\U${cp.toString(16).padStart(8, '0')}`;
    }
  }
  return `${out}"`;
}

/** Labels or annotations as `key="value"` lines, keys sorted, no trailing newline. */
export function formatMap(m: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(m ?? {})
    .sort()
    .map((k) => `${k}=${goQuote(m![k]!)}`)
    .join('\n');
}

const SUBSCRIPTED = /^(.+)\['(.+)'\]$/;

/** The value of a pod fieldRef valid in a volume (metadata.* only; spec/status belong to env). */
export function podFieldValue(pod: PodLike, ref: ObjectFieldSelector): string {
  const meta = pod.metadata ?? {};
  const fieldPath = ref.fieldPath;
  const sub = SUBSCRIPTED.exec(fieldPath);
  if (sub) {
    const [, path, key] = sub as unknown as [string, string, string];
    if (path === 'metadata.annotations') return meta.annotations?.[key] ?? '';
    if (path === 'metadata.labels') return meta.labels?.[key] ?? '';
    throw new Error(`fieldPath ${goQuote(fieldPath)} does not support subscript`);
  }
  switch (fieldPath) {
    case 'metadata.annotations':
      return formatMap(meta.annotations);
    case 'metadata.labels':
      return formatMap(meta.labels);
    case 'metadata.name':
      return meta.name ?? '';
    case 'metadata.namespace':
      return meta.namespace ?? '';
    case 'metadata.uid':
      return meta.uid ?? '';
    default:
      throw new Error(`unsupported fieldPath: ${fieldPath}`);
  }
}

function findContainer(pod: PodLike, name: string): Container {
  const c = pod.spec?.containers.find((x) => x.name === name) ?? pod.spec?.initContainers?.find((x) => x.name === name);
  if (!c) throw new Error(`container ${name} not found`);
  return c;
}

/** Limits the container leaves unset (or zero) read as node allocatable, as upstream merges them. */
function effectiveLimits(c: Container, allocatable: Readonly<Record<string, string>>): Record<string, string> {
  const limits: Record<string, string> = { ...(c.resources?.limits ?? {}) };
  for (const name of ['cpu', 'memory', 'ephemeral-storage']) {
    const set = limits[name];
    const alloc = allocatable[name];
    if ((set === undefined || parseQuantity(set) === 0) && alloc !== undefined) limits[name] = alloc;
  }
  return limits;
}

const ceilDiv = (value: number, divisor: number) => String(Math.ceil(value / divisor));

/** A resourceFieldRef's value: the quantity divided by `divisor` (default 1), rounded up. */
export function resourceFieldValue(pod: PodLike, ref: ResourceFieldSelector, allocatable: Readonly<Record<string, string>> = {}): string {
  const c = findContainer(pod, ref.containerName ?? '');
  const divisor = ref.divisor === undefined || parseQuantity(ref.divisor) === 0 ? '1' : ref.divisor;
  const dot = ref.resource.indexOf('.');
  const kind = ref.resource.slice(0, dot);
  const name = ref.resource.slice(dot + 1);
  const list = kind === 'limits' ? effectiveLimits(c, allocatable) : kind === 'requests' ? (c.resources?.requests ?? {}) : undefined;
  const known = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
  if (!list || !known) throw new Error(`unsupported container resource : ${ref.resource}`);
  const q = list[name] ?? '0';
  if (name === 'cpu') return ceilDiv(quantityMilli(q) ?? 0, quantityMilli(divisor) ?? 1);
  return ceilDiv(parseQuantity(q) ?? 0, parseQuantity(divisor) ?? 1);
}

/**
 * Files for a downwardAPI item list. Items that fail are collected and reported together, as
 * upstream's CollectData aggregates them.
 */
export function downwardPayload(
  pod: PodLike,
  items: readonly DownwardAPIVolumeFile[] | undefined,
  defaultMode: number,
  allocatable: Readonly<Record<string, string>> = {},
): Map<string, FileProjection> {
  const payload = new Map<string, FileProjection>();
  const errors: Error[] = [];
  for (const item of items ?? []) {
    let value = '';
    try {
      if (item.fieldRef) value = podFieldValue(pod, item.fieldRef);
      else if (item.resourceFieldRef) value = resourceFieldValue(pod, item.resourceFieldRef, allocatable);
    } catch (e) {
      errors.push(e as Error);
    }
    payload.set(item.path, { data: utf8.encode(value), mode: item.mode ?? defaultMode });
  }
  const err = aggregate(errors);
  if (err) throw err;
  return payload;
}
