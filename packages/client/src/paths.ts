// Kubernetes REST paths: /api/v1/… for the core group, /apis/<group>/<version>/… otherwise.
import type { ResourceInfo } from '@k8ts/api';

type Query = Record<string, string | number | boolean | undefined>;

/** `/api/v1/namespaces/<ns>/<plural>[/<name>[/<sub>]]`; the namespace part only for namespaced kinds. */
export function resourcePath(r: Pick<ResourceInfo, 'group' | 'version' | 'plural' | 'namespaced'>, namespace?: string, name?: string, sub?: string): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (r.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}

/** Appends the defined query parameters, in the order given. */
export function withQuery(path: string, query: Query): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
