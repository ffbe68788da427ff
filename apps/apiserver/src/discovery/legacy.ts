// The unaggregated discovery documents: /api (APIVersions), /apis (APIGroupList), /apis/<group>
// (APIGroup) and each group version's APIResourceList. kubectl falls back to these when the
// server does not answer /api and /apis with an aggregated APIGroupDiscoveryList.
import { groupVersion } from '@k8ts/api';
import { storageVersionHash } from './etag.ts';
import { servedGroups, type ServedGroup } from './groups.ts';

export interface GroupVersionForDiscovery {
  groupVersion: string;
  version: string;
}

export interface APIResource {
  name: string;
  singularName: string;
  namespaced: boolean;
  group?: string;
  version?: string;
  kind: string;
  verbs: string[];
  shortNames?: string[];
  categories?: string[];
  storageVersionHash?: string;
}

/** Where clients reach the server; a real apiserver advertises its own address for 0.0.0.0/0. */
export function apiVersions(serverAddress = '127.0.0.1:6443') {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(g: ServedGroup) {
  const versions: GroupVersionForDiscovery[] = g.versions.map((v) => ({
    groupVersion: groupVersion({ group: g.name, version: v.version }),
    version: v.version,
  }));
  return { name: g.name, versions, preferredVersion: versions[0]! };
}

/** GET /apis: every named group (the core group is only under /api). */
export function apiGroupList() {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: servedGroups().filter((g) => g.name !== '').map(groupDoc),
  };
}

/** GET /apis/<group>; undefined for a group this server does not serve. */
export function apiGroup(group: string) {
  const g = group === '' ? undefined : servedGroups().find((x) => x.name === group);
  return g && { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) };
}

/** The resources and subresources of one group version, sorted by name as upstream lists them.
 *  Subresources appear as `<plural>/<sub>`; group and version are set only where they differ
 *  from the enclosing group version (deployments/scale → autoscaling/v1 Scale). */
export function apiResources(group: string, version: string): APIResource[] | undefined {
  const resources = servedGroups()
    .find((g) => g.name === group)
    ?.versions.find((v) => v.version === version)?.resources;
  if (!resources) return undefined;
  const out: APIResource[] = [];
  for (const r of resources) {
    out.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: [...r.verbs],
      ...(r.shortNames.length ? { shortNames: [...r.shortNames] } : {}),
      ...(r.categories.length ? { categories: [...r.categories] } : {}),
      storageVersionHash: storageVersionHash(r.group, r.version, r.kind),
    });
    for (const s of r.subresources) {
      const foreign = (s.group ?? r.group) !== r.group || (s.version ?? r.version) !== r.version;
      out.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(foreign ? { group: s.group ?? r.group, version: s.version ?? r.version } : {}),
        kind: s.kind,
        verbs: [...s.verbs],
      });
    }
  }
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** GET /api/v1 or /apis/<group>/<version>. The core list carries no apiVersion, as upstream's. */
export function apiResourceList(group: string, version: string) {
  const resources = apiResources(group, version);
  if (!resources) return undefined;
  const gv = groupVersion({ group, version });
  return group === ''
    ? { kind: 'APIResourceList', groupVersion: gv, resources }
    : { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: gv, resources };
}
