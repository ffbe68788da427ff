// The dependency graph's vocabulary (upstream graph.go): an object is known by its identity —
// its coordinates (apiVersion, kind, namespace, name) plus its uid — and a node links it to the
// owners its ownerReferences name and to the dependents that name it. A "virtual" node stands for
// an owner some dependent names but no informer has shown yet; it must be verified against the
// API before anyone acts on it.
import type { OwnerReference } from 'kubernetes-types/meta/v1';

export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  /** '' for a cluster-scoped object (or an owner a cluster-scoped dependent names). */
  namespace: string;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '');

/** Same object, whatever version it is addressed by: uid, name, kind and group agree (namespace aside). */
export const sameCoordinates = (a: Identity, b: Identity): boolean =>
  a.uid === b.uid && a.name === b.name && a.kind === b.kind && groupOf(a.apiVersion) === groupOf(b.apiVersion);

export const sameIdentity = (a: Identity, b: Identity): boolean => sameCoordinates(a, b) && a.namespace === b.namespace;

/** The owner an ownerReference names, seen from a dependent in `namespace`. */
export const ownerIdentity = (ref: OwnerReference, namespace: string): Identity =>
  ({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace });

export const identityKey = (id: Identity): string => `${id.apiVersion}/${id.kind}/${id.namespace}/${id.name}#${id.uid}`;

export const describe = (id: Identity): string =>
  `[${id.apiVersion}/${id.kind}, namespace: ${id.namespace}, name: ${id.name}, uid: ${id.uid}]`;

export class GraphNode {
  readonly dependents = new Set<GraphNode>();

  constructor(
    public identity: Identity,
    public owners: readonly OwnerReference[],
    /** Not yet shown by an informer: only named by a dependent's ownerReference. */
    public virtual: boolean,
    public beingDeleted = false,
    /** Being deleted in the foreground: waits for its blocking dependents to go. */
    public deletingDependents = false,
  ) {}

  /** A copy with the same links, for replacing a virtual node whose coordinates turned out different. */
  clone(identity: Identity): GraphNode {
    const n = new GraphNode(identity, this.owners, this.virtual, this.beingDeleted, this.deletingDependents);
    for (const d of this.dependents) n.dependents.add(d);
    return n;
  }

  markBeingDeleted(): void {
    this.beingDeleted = true;
  }

  markDeletingDependents(): void {
    this.beingDeleted = true;
    this.deletingDependents = true;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion=true. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }

  /**
   * Splits the dependents by whether their reference to `id.uid` agrees with `id`'s coordinates
   * (a dependent may name the right uid with the wrong name, kind or namespace). A dependent with
   * several references to the uid can land on both sides. A dependent in another namespace than a
   * namespaced owner never matches; a cluster-scoped owner matches from any namespace.
   */
  partitionDependents(id: Identity): { matching: GraphNode[]; nonMatching: GraphNode[] } {
    const matching: GraphNode[] = [];
    const nonMatching: GraphNode[] = [];
    for (const dep of this.dependents) {
      let match = false;
      let mismatch = false;
      if (id.namespace !== '' && id.namespace !== dep.identity.namespace) mismatch = true;
      else {
        for (const ref of dep.owners) {
          if (ref.uid !== id.uid) continue;
          if (sameCoordinates(ownerIdentity(ref, id.namespace), id)) match = true;
          else mismatch = true;
        }
      }
      if (match) matching.push(dep);
      if (mismatch) nonMatching.push(dep);
    }
    return { matching, nonMatching };
  }
}

/** The first coordinates a non-matching dependent names this uid by, other than `not`. */
export function alternateOwnerIdentity(deps: readonly GraphNode[], not: Identity): Identity | undefined {
  for (const dep of deps) {
    for (const ref of dep.owners) {
      if (ref.uid !== not.uid) continue;
      const id = ownerIdentity(ref, dep.identity.namespace);
      if (!sameIdentity(id, not)) return id;
    }
  }
  return undefined;
}
