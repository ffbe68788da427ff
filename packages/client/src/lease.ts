// The Lease a leader elector reads and writes, and the narrow port it does so through.
import { isApiError, resourceFor } from '@k8ts/api';
import type { ResourceInfo } from '@k8ts/api';
import type { Client } from './client.ts';
import type { KubeObject } from './types.ts';

/** coordination.k8s.io/v1 LeaseSpec; times are MicroTime strings. */
export interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

export interface Lease extends KubeObject {
  spec?: LeaseSpec;
}

export interface LeasePort {
  /** undefined when no such Lease exists. */
  get(namespace: string, name: string): Promise<Lease | undefined>;
  /** Fails (409) if it exists already. */
  create(lease: Lease): Promise<Lease>;
  /** Fails (409) if metadata.resourceVersion is not the current one. */
  update(lease: Lease): Promise<Lease>;
}

const LEASES = resourceFor('coordination.k8s.io', 'v1', 'leases') as ResourceInfo;

export const leasePort = (client: Pick<Client, 'get' | 'create' | 'update'>): LeasePort => ({
  async get(namespace, name) {
    try {
      return await client.get<Lease>(LEASES, name, namespace);
    } catch (err) {
      if (isApiError(err, 'NotFound')) return undefined;
      throw err;
    }
  },
  create: (lease) => client.create<Lease>(LEASES, lease),
  update: (lease) => client.update<Lease>(LEASES, lease),
});

/** metav1.MicroTime's wire format: RFC 3339 with six fractional digits, UTC. */
export const microTime = (d: Date): string => d.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
