// The node's heartbeat Lease (upstream nodelease): kube-node-lease/<node>, held by the node,
// 40 s long, renewed every 10 s, owned by the Node so it goes when the Node is deleted.
import { microTime, type Lease, type LeasePort, type ObjectMeta } from '@k8ts/client';
import type { OwnerReference } from 'kubernetes-types/meta/v1';

export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
export const LEASE_DURATION_SECONDS = 40;

type NodeLease = Lease & { metadata: ObjectMeta & { ownerReferences?: OwnerReference[] } };

export interface NodeRef {
  name: string;
  /** Unknown until the Node exists; the owner reference is added once it is. */
  uid?: string;
}

const ownerOf = (node: NodeRef): OwnerReference[] | undefined =>
  node.uid ? [{ apiVersion: 'v1', kind: 'Node', name: node.name, uid: node.uid }] : undefined;

/**
 * Renews (or creates) the node's Lease. `cached` is the Lease this returned last time: renewing
 * from it saves a GET; when that write fails the caller passes undefined to start from a fresh read.
 */
export async function renewLease(leases: LeasePort, node: NodeRef, now: Date, cached?: Lease, durationSeconds = LEASE_DURATION_SECONDS): Promise<Lease> {
  const spec = { holderIdentity: node.name, leaseDurationSeconds: durationSeconds, renewTime: microTime(now) };
  const current = (cached ?? (await leases.get(NODE_LEASE_NAMESPACE, node.name))) as NodeLease | undefined;
  if (!current) {
    const owners = ownerOf(node);
    const fresh: NodeLease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: node.name, namespace: NODE_LEASE_NAMESPACE, ...(owners ? { ownerReferences: owners } : {}) },
      spec,
    };
    return leases.create(fresh);
  }
  const owners = current.metadata.ownerReferences?.length ? current.metadata.ownerReferences : ownerOf(node);
  const next: NodeLease = {
    ...current,
    metadata: { ...current.metadata, ...(owners ? { ownerReferences: owners } : {}) },
    spec: { ...current.spec, ...spec },
  };
  return leases.update(next);
}
