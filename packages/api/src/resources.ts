// The resources this API server serves: the single table that discovery, routing, storage keys,
// Tables and OpenAPI all read. Names, short names and categories are those of a real cluster.

export type Verb = 'create' | 'delete' | 'deletecollection' | 'get' | 'list' | 'patch' | 'update' | 'watch';

export interface SubresourceInfo {
  /** `status`, `scale`, `binding`, … */
  name: string;
  kind: string;
  group?: string;
  version?: string;
  verbs: readonly Verb[];
}

export interface ResourceInfo {
  /** '' for the core group. */
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: readonly string[];
  categories: readonly string[];
  verbs: readonly Verb[];
  subresources: readonly SubresourceInfo[];
}

const ALL_VERBS: readonly Verb[] = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const GPU: readonly Verb[] = ['get', 'patch', 'update'];

const status = (kind: string): SubresourceInfo => ({ name: 'status', kind, verbs: GPU });
const scale: SubresourceInfo = { name: 'scale', kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: GPU };

interface Spec {
  group?: string;
  version?: string;
  kind: string;
  plural: string;
  namespaced?: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs?: readonly Verb[];
  subresources?: SubresourceInfo[];
}

const r = (s: Spec): ResourceInfo => ({
  group: s.group ?? '',
  version: s.version ?? 'v1',
  kind: s.kind,
  listKind: `${s.kind}List`,
  plural: s.plural,
  singular: s.kind.toLowerCase(),
  namespaced: s.namespaced ?? true,
  shortNames: s.shortNames ?? [],
  categories: s.categories ?? [],
  verbs: s.verbs ?? ALL_VERBS,
  subresources: s.subresources ?? [],
});

export const RESOURCES: readonly ResourceInfo[] = [
  r({
    kind: 'Namespace', plural: 'namespaces', namespaced: false, shortNames: ['ns'],
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    subresources: [status('Namespace'), { name: 'finalize', kind: 'Namespace', verbs: ['update'] }],
  }),
  r({
    kind: 'Pod', plural: 'pods', shortNames: ['po'], categories: ['all'],
    subresources: [
      status('Pod'),
      { name: 'binding', kind: 'Binding', verbs: ['create'] },
      { name: 'eviction', kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] },
      { name: 'log', kind: 'Pod', verbs: ['get'] },
      { name: 'exec', kind: 'PodExecOptions', verbs: ['create', 'get'] },
      { name: 'attach', kind: 'PodAttachOptions', verbs: ['create', 'get'] },
      { name: 'portforward', kind: 'PodPortForwardOptions', verbs: ['create', 'get'] },
    ],
  }),
  r({ kind: 'Node', plural: 'nodes', namespaced: false, shortNames: ['no'], subresources: [status('Node')] }),
  r({ kind: 'Service', plural: 'services', shortNames: ['svc'], categories: ['all'], subresources: [status('Service')] }),
  r({ kind: 'Endpoints', plural: 'endpoints', shortNames: ['ep'] }),
  r({ kind: 'Event', plural: 'events', shortNames: ['ev'] }),
  r({ kind: 'ConfigMap', plural: 'configmaps', shortNames: ['cm'] }),
  r({ kind: 'Secret', plural: 'secrets' }),
  r({ kind: 'ServiceAccount', plural: 'serviceaccounts', shortNames: ['sa'] }),
  r({
    group: 'apps', kind: 'Deployment', plural: 'deployments', shortNames: ['deploy'], categories: ['all'],
    subresources: [status('Deployment'), scale],
  }),
  r({
    group: 'apps', kind: 'ReplicaSet', plural: 'replicasets', shortNames: ['rs'], categories: ['all'],
    subresources: [status('ReplicaSet'), scale],
  }),
  r({ group: 'apps', kind: 'DaemonSet', plural: 'daemonsets', shortNames: ['ds'], categories: ['all'], subresources: [status('DaemonSet')] }),
  r({
    group: 'apps', kind: 'StatefulSet', plural: 'statefulsets', shortNames: ['sts'], categories: ['all'],
    subresources: [status('StatefulSet'), scale],
  }),
  r({ group: 'batch', kind: 'Job', plural: 'jobs', categories: ['all'], subresources: [status('Job')] }),
  r({ group: 'batch', kind: 'CronJob', plural: 'cronjobs', shortNames: ['cj'], categories: ['all'], subresources: [status('CronJob')] }),
  r({ group: 'coordination.k8s.io', kind: 'Lease', plural: 'leases' }),
  r({ group: 'discovery.k8s.io', kind: 'EndpointSlice', plural: 'endpointslices' }),
  r({
    group: 'policy', kind: 'PodDisruptionBudget', plural: 'poddisruptionbudgets', shortNames: ['pdb'],
    subresources: [status('PodDisruptionBudget')],
  }),
  r({ group: 'scheduling.k8s.io', kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, shortNames: ['pc'] }),
];

export const groupVersion = (r: Pick<ResourceInfo, 'group' | 'version'>) => (r.group ? `${r.group}/${r.version}` : r.version);

const byPath = new Map(RESOURCES.map((x) => [`${groupVersion(x)}/${x.plural}`, x]));
const byKind = new Map(RESOURCES.map((x) => [`${groupVersion(x)}/${x.kind}`, x]));

/** The resource served at `/api/v1/<plural>` or `/apis/<group>/<version>/<plural>`. */
export const resourceFor = (group: string, version: string, plural: string) =>
  byPath.get(`${group ? `${group}/` : ''}${version}/${plural}`);

/** The resource for an object's `apiVersion` and `kind`. */
export const resourceForKind = (apiVersion: string, kind: string) => byKind.get(`${apiVersion}/${kind}`);

/** Every group/version served, core first, in the order of the table. */
export const groupVersions = (): { group: string; version: string }[] => {
  const seen = new Map<string, { group: string; version: string }>();
  for (const x of RESOURCES) seen.set(groupVersion(x), { group: x.group, version: x.version });
  return [...seen.values()];
};
