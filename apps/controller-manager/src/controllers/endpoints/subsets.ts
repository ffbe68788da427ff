// Endpoints subsets in their canonical shape (upstream's RepackSubsets): every address listed
// once per distinct set of ports it serves, addresses that serve the same ports grouped in one
// subset, everything sorted so that equal content compares equal — and the 1000-address cap.
import type { EndpointAddress, EndpointPort, EndpointSubset } from 'kubernetes-types/core/v1';

/** One (address, readiness, port) triple; a headless service without ports gives `port: undefined`. */
export interface AddressPort {
  address: EndpointAddress;
  ready: boolean;
  port?: EndpointPort;
}

export const MAX_ENDPOINTS = 1000;

const addressKey = (a: EndpointAddress) => `${a.ip}/${a.targetRef?.uid ?? ''}`;
const NO_PORT = '<none>';

function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return Buffer.compare(Buffer.from(a.ip), Buffer.from(b.ip));
  const ua = a.targetRef?.uid ?? '';
  const ub = b.targetRef?.uid ?? '';
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function comparePorts(a: EndpointPort, b: EndpointPort): number {
  const na = a.name ?? '';
  const nb = b.name ?? '';
  if (na !== nb) return na < nb ? -1 : 1;
  if (a.port !== b.port) return a.port - b.port;
  return (a.protocol ?? '') < (b.protocol ?? '') ? -1 : (a.protocol ?? '') > (b.protocol ?? '') ? 1 : 0;
}

/** Groups addresses by the exact set of ports they serve, then sorts addresses, ports and subsets. */
export function repackSubsets(entries: readonly AddressPort[]): EndpointSubset[] {
  const addresses = new Map<string, EndpointAddress>();
  const byPort = new Map<string, { port?: EndpointPort; addrs: Map<string, boolean> }>();
  for (const e of entries) {
    const ak = addressKey(e.address);
    if (!addresses.has(ak)) addresses.set(ak, e.address);
    const pk = e.port ? JSON.stringify([e.port.name, e.port.port, e.port.protocol, e.port.appProtocol]) : NO_PORT;
    let slot = byPort.get(pk);
    if (!slot) byPort.set(pk, (slot = { ...(e.port ? { port: e.port } : {}), addrs: new Map() }));
    slot.addrs.set(ak, e.ready);
  }
  // Ports whose address sets are identical share a subset.
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const key = [...addrs].map(([k, r]) => `${k}=${r}`).sort().join(',');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs, ports: [] }));
    if (port) g.ports.push(port);
  }
  const subsets: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.addrs) (r ? ready : notReady).push(addresses.get(k)!);
    subsets.push(subset(ready.sort(compareAddresses), notReady.sort(compareAddresses), g.ports.sort(comparePorts)));
  }
  return subsets.sort((a, b) => (subsetKey(a) < subsetKey(b) ? -1 : subsetKey(a) > subsetKey(b) ? 1 : 0));
}

const subsetKey = (s: EndpointSubset) =>
  [...(s.addresses ?? []), ...(s.notReadyAddresses ?? [])].map(addressKey).join(',') + '|' + (s.ports ?? []).map((p) => p.port).join(',');

/** A subset with empty lists left out, as the API server stores it. */
function subset(addresses: EndpointAddress[], notReady: EndpointAddress[], ports: EndpointPort[]): EndpointSubset {
  return {
    ...(addresses.length ? { addresses } : {}),
    ...(notReady.length ? { notReadyAddresses: notReady } : {}),
    ...(ports.length ? { ports } : {}),
  };
}

export const countAddresses = (subsets: readonly EndpointSubset[]) =>
  subsets.reduce((n, s) => n + (s.addresses?.length ?? 0) + (s.notReadyAddresses?.length ?? 0), 0);

/**
 * Cuts the subsets down to MAX_ENDPOINTS addresses, ready ones first: when the ready ones alone
 * overflow, every not-ready address goes and the ready ones are cut in proportion to each
 * subset's share; otherwise only not-ready addresses are cut, in the same proportion.
 * Returns undefined when nothing had to go.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] | undefined {
  const ready = subsets.reduce((n, s) => n + (s.addresses?.length ?? 0), 0);
  const notReady = subsets.reduce((n, s) => n + (s.notReadyAddresses?.length ?? 0), 0);
  if (ready + notReady <= MAX_ENDPOINTS) return undefined;
  const cutReady = ready > MAX_ENDPOINTS;
  const budget = cutReady ? MAX_ENDPOINTS : MAX_ENDPOINTS - ready;
  const total = cutReady ? ready : notReady;
  let left = budget;
  return subsets.map((s) => {
    const list = (cutReady ? s.addresses : s.notReadyAddresses) ?? [];
    const take = Math.min(Math.ceil((list.length / total) * budget), left);
    const kept = list.slice(0, take);
    left -= kept.length;
    return cutReady
      ? subset(kept, [], [...(s.ports ?? [])])
      : subset([...(s.addresses ?? [])], kept, [...(s.ports ?? [])]);
  });
}
