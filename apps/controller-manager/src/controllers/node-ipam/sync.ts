// The range allocator's sync for one node (upstream nodeipam/ipam/range_allocator.go):
//   1. a node that is gone gives its subnet back;
//   2. a node that has a podCIDR keeps it (it is marked taken);
//   3. a node without one gets the next free subnet, written to spec.podCIDR and spec.podCIDRs;
//      when none is left the node gets a CIDRNotAvailable event and the sync is retried.
import type { Lister } from '@k8ts/client';
import type { Node } from 'kubernetes-types/core/v1';
import type { CidrSet } from './cidr-set.ts';

/** Where the allocation is written (a patch of the node's spec). */
export interface NodeCidrPort {
  patchNodeCIDRs(node: string, cidrs: string[]): Promise<void>;
  /** A Normal event about the node, as upstream's RecordNodeStatusChange. */
  nodeEvent(node: Node, reason: string, message: string): void;
}

export class FakeNodeCidrPort implements NodeCidrPort {
  readonly patches: { node: string; cidrs: string[] }[] = [];
  readonly events: { node: string; reason: string; message: string }[] = [];
  failPatches = 0;

  async patchNodeCIDRs(node: string, cidrs: string[]): Promise<void> {
    if (this.failPatches > 0) {
      this.failPatches--;
      throw new Error('fake patch failure');
    }
    this.patches.push({ node, cidrs });
  }

  nodeEvent(node: Node, reason: string, message: string): void {
    this.events.push({ node: node.metadata?.name ?? '', reason, message });
  }
}

export class NodeIpamSync {
  /** Which subnet each node holds, so a deleted node's can be released. */
  readonly #byNode = new Map<string, string>();

  constructor(private readonly o: { nodes: Lister<Node>; cidrs: CidrSet; port: NodeCidrPort }) {}

  /** Marks every subnet existing nodes hold as taken (upstream does this before it starts). */
  occupyExisting(): void {
    for (const node of this.o.nodes.list()) {
      const cidr = node.spec?.podCIDR;
      if (cidr && this.o.cidrs.occupy(cidr)) this.#byNode.set(node.metadata?.name ?? '', cidr);
    }
  }

  async sync(name: string): Promise<void> {
    const node = this.o.nodes.get(name);
    const held = this.#byNode.get(name);
    // 1.
    if (!node) {
      if (held) this.o.cidrs.release(held);
      this.#byNode.delete(name);
      return;
    }
    // 2.
    const existing = node.spec?.podCIDR;
    if (existing) {
      if (held && held !== existing) this.o.cidrs.release(held);
      if (this.o.cidrs.occupy(existing)) this.#byNode.set(name, existing);
      return;
    }
    // 3. A node re-created under the same name before its deletion was seen keeps its subnet.
    const cidr = held ?? this.o.cidrs.allocate();
    if (!cidr) {
      this.o.port.nodeEvent(node, 'CIDRNotAvailable', `Node ${name} status is now: CIDRNotAvailable`);
      throw new Error(`failed to allocate cidr from cluster cidr ${this.o.cidrs.clusterCIDR}: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range`);
    }
    this.#byNode.set(name, cidr);
    try {
      await this.o.port.patchNodeCIDRs(name, [cidr]);
    } catch (err) {
      this.o.port.nodeEvent(node, 'CIDRAssignmentFailed', `Node ${name} status is now: CIDRAssignmentFailed`);
      this.o.cidrs.release(cidr);
      this.#byNode.delete(name);
      throw err;
    }
  }
}
