// The groups this server serves, in the order a real apiserver lists them. Upstream ranks groups
// by a fixed priority table (the kube-aggregator's group priorities) rather than by name; the
// numbers below are that table's values for the groups we can serve. Unknown groups follow, by name.
import { RESOURCES, type ResourceInfo } from '@k8ts/api';

const PRIORITY: Readonly<Record<string, number>> = {
  '': 18000,
  apps: 17800,
  'events.k8s.io': 17750,
  'authentication.k8s.io': 17700,
  'authorization.k8s.io': 17600,
  autoscaling: 17500,
  batch: 17400,
  'certificates.k8s.io': 17300,
  'networking.k8s.io': 17200,
  policy: 17100,
  'rbac.authorization.k8s.io': 17000,
  'storage.k8s.io': 16800,
  'admissionregistration.k8s.io': 16700,
  'scheduling.k8s.io': 16600,
  'coordination.k8s.io': 16500,
  'apiextensions.k8s.io': 16400,
  'node.k8s.io': 16300,
  'discovery.k8s.io': 16200,
  'flowcontrol.apiserver.k8s.io': 16100,
};

export interface ServedGroup {
  /** '' for the legacy core group. */
  name: string;
  /** Versions, preferred first. */
  versions: { version: string; resources: ResourceInfo[] }[];
}

/** Kubernetes version order: GA before beta before alpha, higher numbers first. */
function versionRank(v: string): [number, number, number] {
  const m = /^v(\d+)(?:(alpha|beta)(\d+))?$/.exec(v);
  if (!m) return [3, 0, 0];
  const stability = m[2] === undefined ? 0 : m[2] === 'beta' ? 1 : 2;
  return [stability, -Number(m[1]), -Number(m[3] ?? 0)];
}

const compareVersions = (a: string, b: string) => {
  const [x, y] = [versionRank(a), versionRank(b)];
  return x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || a.localeCompare(b);
};

/** Every served group with its versions and resources, from the resource table. */
export function servedGroups(resources: readonly ResourceInfo[] = RESOURCES): ServedGroup[] {
  const groups = new Map<string, Map<string, ResourceInfo[]>>();
  for (const r of resources) {
    const versions = groups.get(r.group) ?? new Map<string, ResourceInfo[]>();
    groups.set(r.group, versions);
    versions.set(r.version, [...(versions.get(r.version) ?? []), r]);
  }
  const rank = (g: string) => PRIORITY[g] ?? 0;
  return [...groups.entries()]
    .sort(([a], [b]) => rank(b) - rank(a) || a.localeCompare(b))
    .map(([name, versions]) => ({
      name,
      versions: [...versions.entries()]
        .sort(([a], [b]) => compareVersions(a, b))
        .map(([version, rs]) => ({ version, resources: [...rs].sort((a, b) => a.plural.localeCompare(b.plural)) })),
    }));
}
