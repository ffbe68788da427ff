// Aggregated discovery (apidiscovery.k8s.io APIGroupDiscoveryList): one answer to /api or /apis
// carrying every group, version and resource, so kubectl needs no per-group-version requests.
// The legacy core group is one item whose metadata has no name.
import type { ResourceInfo } from '@k8ts/api';
import { servedGroups } from './groups.ts';

export type AggregatedVersion = 'v2' | 'v2beta1';

const gvk = (group: string, version: string, kind: string) => ({ group, version, kind });

function resourceDiscovery(r: ResourceInfo) {
  const subresources = [...r.subresources]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((s) => ({
      subresource: s.name,
      responseKind: gvk(s.group ?? r.group, s.version ?? r.version, s.kind),
      verbs: [...s.verbs],
    }));
  return {
    resource: r.plural,
    responseKind: gvk(r.group, r.version, r.kind),
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    singularResource: r.singular,
    verbs: [...r.verbs],
    ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
    ...(r.categories.length ? { categories: [...r.categories] } : {}),
    ...(subresources.length ? { subresources } : {}),
  };
}

/** The APIGroupDiscoveryList for /api (`legacy`: the core group) or /apis (every named group). */
export function aggregatedDiscovery(which: 'legacy' | 'apis', version: AggregatedVersion = 'v2') {
  const groups = servedGroups().filter((g) => (which === 'legacy') === (g.name === ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion: `apidiscovery.k8s.io/${version}`,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { ...(g.name ? { name: g.name } : {}), creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v.version,
        resources: v.resources.map(resourceDiscovery),
        freshness: 'Current',
      })),
    })),
  };
}

/** The Content-Type of an aggregated answer. */
export const aggregatedContentType = (version: AggregatedVersion) =>
  `application/json;g=apidiscovery.k8s.io;v=${version};as=APIGroupDiscoveryList`;

/**
 * Which representation an Accept header asks for first: an aggregated list (`v2` or `v2beta1`)
 * or the plain documents (`false`). Media ranges are taken in the client's order, the first one
 * this server can produce wins, as upstream's negotiation does; q-values are not weighed.
 */
export function wantsAggregated(accept: string | undefined): AggregatedVersion | false {
  if (!accept) return false;
  for (const range of accept.split(',')) {
    const [type = '', ...rawParams] = range.split(';').map((s) => s.trim());
    const params = new Map<string, string>();
    for (const p of rawParams) {
      const i = p.indexOf('=');
      if (i > 0) params.set(p.slice(0, i).trim().toLowerCase(), p.slice(i + 1).trim());
    }
    const mime = type.toLowerCase();
    if (mime !== 'application/json' && mime !== '*/*' && mime !== 'application/*') continue;
    const as = params.get('as');
    if (as === undefined) return false;
    if (as !== 'APIGroupDiscoveryList' || params.get('g') !== 'apidiscovery.k8s.io') continue;
    const v = params.get('v');
    if (v === 'v2' || v === 'v2beta1') return v;
  }
  return false;
}
