// What every cluster has from its first second: the system namespaces, the `kubernetes`
// Service on the first address of the service range, and the system priority classes.
import { isApiError } from '@k8ts/api';
import type { ResourceStore } from './registry/store.ts';
import type { KObject } from './storage/watch-cache.ts';
import { cidrRange, intToIp } from './admission/allocator.ts';

export interface BootstrapOptions {
  serviceCIDR: string;
  advertiseAddress: string;
  port: number;
}

const ensure = async (store: ResourceStore, ns: string | undefined, obj: KObject) => {
  try {
    await store.create(ns, obj, { now: new Date(), dryRun: false });
  } catch (e) {
    if (!isApiError(e, 'AlreadyExists')) throw e;
  }
};

export async function bootstrap(stores: (key: string) => ResourceStore, o: BootstrapOptions) {
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
    await ensure(stores('namespaces'), undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const labels = { component: 'apiserver', provider: 'kubernetes' };
  await ensure(stores('services'), 'default', {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'kubernetes', namespace: 'default', labels },
    spec: {
      type: 'ClusterIP',
      clusterIP: intToIp(cidrRange(o.serviceCIDR).first),
      ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: o.port }],
      sessionAffinity: 'None',
    },
  });
  await ensure(stores('endpoints'), 'default', {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
    subsets: [{ addresses: [{ ip: o.advertiseAddress }], ports: [{ name: 'https', port: o.port, protocol: 'TCP' }] }],
  });
  for (const [name, value] of [['system-node-critical', 2000001000], ['system-cluster-critical', 2000000000]] as const) {
    await ensure(stores('priorityclasses.scheduling.k8s.io'), undefined, {
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name },
      value,
      description: `Used for system critical pods that must not be moved from their current ${name === 'system-node-critical' ? 'node' : 'cluster'}.`,
    });
  }
}
