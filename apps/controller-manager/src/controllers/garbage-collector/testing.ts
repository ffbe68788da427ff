// Builders shared by the collector's tests: graph events for ConfigMaps, owner references, and a
// NodeQueue that records what was queued.
import type { ObjectMeta, OwnerReference } from 'kubernetes-types/meta/v1';
import type { GraphEvent, NodeQueue } from './graph-builder.ts';
import type { GraphNode, Identity } from './graph.ts';

export const cmId = (name: string, namespace = 'default'): Identity =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid: `uid-${name}`, namespace });

export const ref = (name: string, o: { block?: boolean; uid?: string; kind?: string; apiVersion?: string } = {}): OwnerReference => ({
  apiVersion: o.apiVersion ?? 'v1', kind: o.kind ?? 'ConfigMap', name, uid: o.uid ?? `uid-${name}`,
  ...(o.block !== undefined ? { blockOwnerDeletion: o.block } : {}),
});

export interface CMOptions {
  namespace?: string;
  owners?: OwnerReference[];
  /** Finalizers; the object is being deleted when `deleting` is set. */
  finalizers?: string[];
  deleting?: boolean;
  uid?: string;
}

export const cmMeta = (name: string, o: CMOptions = {}): ObjectMeta => ({
  name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-${name}`, resourceVersion: '7',
  ...(o.owners ? { ownerReferences: o.owners } : {}),
  ...(o.finalizers ? { finalizers: o.finalizers } : {}),
  ...(o.deleting ? { deletionTimestamp: '2025-01-01T00:00:00Z' } : {}),
});

export const add = (name: string, o: CMOptions = {}): GraphEvent =>
  ({ type: 'add', identity: { ...cmId(name, o.namespace), uid: o.uid ?? `uid-${name}` }, meta: cmMeta(name, o) });

export const update = (name: string, was: CMOptions, now: CMOptions): GraphEvent =>
  ({ type: 'update', identity: cmId(name, now.namespace), meta: cmMeta(name, now), oldMeta: cmMeta(name, was) });

export const del = (name: string, o: CMOptions = {}): GraphEvent =>
  ({ type: 'delete', identity: cmId(name, o.namespace), meta: cmMeta(name, o) });

export const virtualDelete = (id: Identity): GraphEvent => ({ type: 'delete', identity: id, meta: {}, virtual: true });

/** Records the names of queued nodes, in order. */
export class RecordingQueue implements NodeQueue {
  added: string[] = [];
  rateLimited: string[] = [];
  nodes: GraphNode[] = [];

  add(n: GraphNode): void {
    this.added.push(n.identity.name);
    this.nodes.push(n);
  }

  addRateLimited(n: GraphNode): void {
    this.rateLimited.push(n.identity.name);
    this.nodes.push(n);
  }

  clear(): void {
    this.added = [];
    this.rateLimited = [];
    this.nodes = [];
  }
}
