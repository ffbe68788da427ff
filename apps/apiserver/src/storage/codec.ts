// How objects are stored in etcd: JSON without resourceVersion (etcd's mod revision is the truth)
// and with metadata right after apiVersion and kind, so a reader can splice the revision into the
// stored text instead of serialising the object again — the watch cache does this per event.
import type { KObject } from './watch-cache.ts';

export function encodeStored(obj: Readonly<KObject>): string {
  const { resourceVersion: _rv, ...metadata } = obj.metadata;
  const { apiVersion, kind, metadata: _m, ...rest } = obj;
  return JSON.stringify({ apiVersion, kind, metadata, ...rest });
}

const META = '"metadata":{';

/** The object and its JSON text, both carrying `resourceVersion: rev`. */
export function decodeStored(value: Buffer | string, rev: number): { obj: KObject; json: string } {
  const text = value.toString();
  const obj = JSON.parse(text) as KObject;
  obj.metadata.resourceVersion = String(rev);
  const at = text.indexOf(META);
  // Only the top-level metadata may be spliced: it must open before any other object does.
  if (at < 0 || text.lastIndexOf('{', at) !== 0) return { obj, json: JSON.stringify(obj) };
  const open = at + META.length;
  const sep = text[open] === '}' ? '' : ',';
  return { obj, json: `${text.slice(0, open)}"resourceVersion":"${rev}"${sep}${text.slice(open)}` };
}
