// Node names grouped by zone, listed round-robin across zones (upstream's nodeTree): with
// percentageOfNodesToScore the scheduler stops after the first feasible nodes it finds, and
// interleaving zones keeps that sample spread over the cluster instead of the first zone only.
// Zones keep the order they first appeared in; nodes keep their order within a zone.
import type { Node } from 'kubernetes-types/core/v1';

const ZONE = 'topology.kubernetes.io/zone';
const REGION = 'topology.kubernetes.io/region';
const BETA_ZONE = 'failure-domain.beta.kubernetes.io/zone';
const BETA_REGION = 'failure-domain.beta.kubernetes.io/region';

/** A node's zone as region and zone (upstream's GetZoneKey); '' when it has neither label. */
export function zoneKey(node: Node): string {
  const labels = node.metadata?.labels ?? {};
  const zone = labels[ZONE] ?? labels[BETA_ZONE] ?? '';
  const region = labels[REGION] ?? labels[BETA_REGION] ?? '';
  return region === '' && zone === '' ? '' : `${region}:\u0000:${zone}`;
}

export class NodeTree {
  readonly #zones = new Map<string, string[]>();
  readonly #zoneOf = new Map<string, string>();
  #list: string[] | undefined;

  get size(): number {
    return this.#zoneOf.size;
  }

  has(name: string): boolean {
    return this.#zoneOf.has(name);
  }

  /** Adds the node, or moves it when its zone changed; true when the list changed. */
  set(node: Node): boolean {
    const name = node.metadata?.name ?? '';
    const zone = zoneKey(node);
    const current = this.#zoneOf.get(name);
    if (current === zone) return false;
    if (current !== undefined) this.delete(name);
    const names = this.#zones.get(zone);
    if (names) names.push(name);
    else this.#zones.set(zone, [name]);
    this.#zoneOf.set(name, zone);
    this.#list = undefined;
    return true;
  }

  delete(name: string): void {
    const zone = this.#zoneOf.get(name);
    if (zone === undefined) return;
    this.#zoneOf.delete(name);
    const rest = (this.#zones.get(zone) ?? []).filter((n) => n !== name);
    if (rest.length === 0) this.#zones.delete(zone);
    else this.#zones.set(zone, rest);
    this.#list = undefined;
  }

  /** Every node name: the first of each zone, then the second of each, and so on. */
  list(): readonly string[] {
    if (this.#list) return this.#list;
    const zones = [...this.#zones.values()];
    const out: string[] = [];
    for (let i = 0; out.length < this.#zoneOf.size; i++) for (const names of zones) if (i < names.length) out.push(names[i]!);
    return (this.#list = out);
  }
}
