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

/** What a selector looks at: labels and the kind's selectable fields. */
export interface Selectable {
  readonly labels: Readonly<Record<string, string>> | undefined;
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * An object as the watch cache holds it: its JSON text (resourceVersion included) and what
 * selectors need, computed once. The parsed object is not kept — it would cost several times
 * the text — and `obj` parses on each use, so hot paths filter on labels and fields instead.
 */
export class CacheEntry implements Selectable {
  constructor(
    readonly key: string,
    readonly rev: number,
    readonly json: string,
    readonly labels: Readonly<Record<string, string>> | undefined,
    readonly fields: Readonly<Record<string, string>>,
  ) {}

  get obj(): KObject {
    return JSON.parse(this.json) as KObject;
  }

  /** From stored bytes; `fieldsOf` gives the kind's selectable fields. */
  static fromStored(key: string, value: Buffer | string, rev: number, fieldsOf: (o: KObject) => Record<string, string>): CacheEntry {
    const { obj, json } = decodeStored(value, rev);
    return new CacheEntry(key, rev, json, obj.metadata.labels as Record<string, string> | undefined, fieldsOf(obj));
  }

  /** This entry's last state, stamped with the revision that deleted it. */
  deletedAt(rev: number): CacheEntry {
    const obj = this.obj;
    obj.metadata.resourceVersion = String(rev);
    return new CacheEntry(this.key, rev, JSON.stringify(obj), this.labels, this.fields);
  }
}
