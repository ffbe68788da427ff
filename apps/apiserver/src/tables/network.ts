// Services (NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR), Endpoints
// (NAME ENDPOINTS AGE) and EndpointSlices (NAME ADDRESSTYPE PORTS ENDPOINTS AGE).

import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import { AGE, NAME, col, wide } from './columns.ts';
import { formatLabels, joinHostPort, listWithMore, since } from './format.ts';
import type { Printer } from './types.ts';

/** Load-balancer addresses longer than this are cut to fit, except in wide output. */
const LOAD_BALANCER_WIDTH = 16;

function loadBalancerAddresses(svc: Service, wideOutput: boolean): string {
  const set = new Set<string>();
  for (const i of svc.status?.loadBalancer?.ingress ?? []) {
    if (i.ip) set.add(i.ip);
    else if (i.hostname) set.add(i.hostname);
  }
  const s = [...set].sort().join(',');
  return !wideOutput && s.length > LOAD_BALANCER_WIDTH ? `${s.slice(0, LOAD_BALANCER_WIDTH - 3)}...` : s;
}

/** EXTERNAL-IP: external IPs, load-balancer ingress (`<pending>` until assigned), or the DNS name. */
export function serviceExternalIP(svc: Service, wideOutput = true): string {
  const external = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type ?? 'ClusterIP') {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc, wideOutput);
      if (external.length) return [...(lb ? lb.split(',') : []), ...external].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec?.externalName ?? '';
    default:
      return '<unknown>';
  }
}

/** PORT(S): `80/TCP`, or `80:30080/TCP` when a node port is allocated. */
export function servicePorts(svc: Service): string {
  const s = (svc.spec?.ports ?? [])
    .map((p) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`)
    .join(',');
  return s || '<none>';
}

export const servicePrinter: Printer<Service> = {
  columns: [
    NAME,
    col('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    col('Cluster-IP', 'string', 'Virtual IP allocated to the service inside the cluster.'),
    col('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    col('Port(s)', 'string', 'Service ports with their node ports and protocols.'),
    AGE,
    wide('Selector', 'string', 'Labels of the pods the service routes to.'),
  ],
  cells(svc, now) {
    return [
      svc.metadata?.name ?? '',
      svc.spec?.type ?? 'ClusterIP',
      // clusterIPs[0] is the primary; clusterIP mirrors it on objects that only carry the singular.
      svc.spec?.clusterIPs?.[0] ?? svc.spec?.clusterIP ?? '<none>',
      serviceExternalIP(svc),
      servicePorts(svc),
      since(svc.metadata?.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};

/** `ip:port` for every address and port, at most three then ` + N more...`; `<none>` if empty. */
export function formatEndpoints(ep: Endpoints): string {
  const subsets = ep.subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const all: string[] = [];
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    // A headless service may have no ports: list bare IPs.
    if (!ss.ports?.length) all.push(...addresses.map((a) => a.ip));
    else for (const p of ss.ports) all.push(...addresses.map((a) => joinHostPort(a.ip, p.port)));
  }
  const shown = all.slice(0, 3).join(',');
  return all.length > 3 ? `${shown} + ${all.length - 3} more...` : shown;
}

export const endpointsPrinter: Printer<Endpoints> = {
  columns: [NAME, col('Endpoints', 'string', 'Addresses and ports backing the service.'), AGE],
  cells: (ep, now) => [ep.metadata?.name ?? '', formatEndpoints(ep), since(ep.metadata?.creationTimestamp, now)],
};

export const endpointSlicePrinter: Printer<EndpointSlice> = {
  columns: [
    NAME,
    col('AddressType', 'string', 'Type of the addresses in this slice: IPv4, IPv6 or FQDN.'),
    col('Ports', 'string', 'Ports exposed by the endpoints of this slice.'),
    col('Endpoints', 'string', 'Addresses of the endpoints in this slice.'),
    AGE,
  ],
  cells(slice, now) {
    const ports = (slice.ports ?? []).map((p) => (p.port != null ? String(p.port) : p.name != null ? p.name : '*'));
    const addresses = (slice.endpoints ?? []).flatMap((e) => e.addresses ?? []);
    return [
      slice.metadata?.name ?? '',
      slice.addressType ?? '',
      listWithMore(ports),
      listWithMore(addresses),
      since(slice.metadata?.creationTimestamp, now),
    ];
  },
};
