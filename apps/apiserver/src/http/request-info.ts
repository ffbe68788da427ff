// Where a request points: `/api/v1/namespaces/ns/pods/name/status` → group '', version v1,
// namespace ns, resource pods, name, subresource status (apiserver's RequestInfoFactory).
import { resourceFor, type ResourceInfo } from '@k8ts/api';

export interface RequestInfo {
  group: string;
  version: string;
  namespace: string | undefined;
  /** undefined for discovery documents (`/api/v1`, `/apis/apps/v1`) */
  resource: ResourceInfo | undefined;
  plural: string | undefined;
  name: string | undefined;
  subresource: string | undefined;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses an API path; undefined when it is not one (the caller answers 404). */
export function parseApiPath(pathname: string): RequestInfo | undefined {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  let group = '';
  let rest: string[];
  if (parts[0] === 'api') {
    rest = parts.slice(1);
  } else if (parts[0] === 'apis' && parts.length >= 2) {
    group = parts[1]!;
    rest = parts.slice(2);
  } else return undefined;
  const [version, ...path] = rest;
  if (!version) return undefined;
  const info: RequestInfo = { group, version, namespace: undefined, resource: undefined, plural: undefined, name: undefined, subresource: undefined };
  if (path.length === 0) return info;
  // /namespaces/<ns>/<resource>/… addresses namespaced objects; /namespaces[/<name>[/sub]] the namespaces themselves.
  if (path[0] === 'namespaces' && path.length >= 3 && !NAMESPACE_SUBRESOURCES.has(path[2]!)) {
    info.namespace = path[1];
    path.splice(0, 2);
  }
  const [plural, name, subresource, ...extra] = path;
  if (extra.length > 0 && subresource !== 'proxy') return undefined;
  info.plural = plural;
  info.resource = resourceFor(group, version, plural!);
  info.name = name;
  info.subresource = subresource;
  return info;
}
