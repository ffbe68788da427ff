// The endpoints a service should have, as EndpointSlice entries grouped by port set (upstream's
// reconciler input): every pod the selector picks that has an IP and is not finished —
// terminating ones included, with conditions saying so.
import type { Endpoint, EndpointPort } from 'kubernetes-types/discovery/v1';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import { isPodReady } from '../../controller/pod-utils.ts';
import { findPort, podIPOfFamily, serviceIPFamily, shouldPodBeInEndpoints, shouldSetHostname } from '../endpoints/pods.ts';

export const ZONE_LABEL = 'topology.kubernetes.io/zone';

/** Endpoints that serve the same ports, with the key that names that port set. */
export interface EndpointGroup {
  key: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
}

export const portsKey = (ports: readonly EndpointPort[] | undefined): string =>
  JSON.stringify([...(ports ?? [])].map((p) => [p.name ?? '', p.port ?? 0, p.protocol ?? 'TCP', p.appProtocol ?? '']).sort());

/** Identifies an endpoint across syncs: its pod, else its addresses. */
export const endpointKey = (ep: Endpoint): string => ep.targetRef?.uid || ep.addresses.join(',');

export function podToEndpoint(pod: Pod, svc: Service, ip: string, node: Node | undefined): Endpoint {
  const serving = isPodReady(pod);
  const terminating = Boolean(pod.metadata?.deletionTimestamp);
  // Ready is never true for a terminating endpoint unless the service publishes not-ready ones.
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const zone = node?.metadata?.labels?.[ZONE_LABEL];
  return {
    addresses: [ip],
    conditions: { ready, serving, terminating },
    ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
    ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    ...(zone ? { zone } : {}),
  };
}

export function desiredGroups(svc: Service, pods: readonly Pod[], nodeOf: (name: string) => Node | undefined): { addressType: 'IPv4' | 'IPv6'; groups: Map<string, EndpointGroup> } {
  const addressType = serviceIPFamily(svc);
  const groups = new Map<string, EndpointGroup>();
  const sorted = [...pods].sort((a, b) => ((a.metadata?.name ?? '') < (b.metadata?.name ?? '') ? -1 : 1));
  for (const pod of sorted) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ip = podIPOfFamily(pod, addressType);
    if (!ip) continue;
    const ports: EndpointPort[] = [];
    for (const sp of svc.spec?.ports ?? []) {
      const port = findPort(pod, sp);
      if (port === undefined) continue;
      ports.push({ name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
    }
    const key = portsKey(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { key, ports, endpoints: [] }));
    g.endpoints.push(podToEndpoint(pod, svc, ip, pod.spec?.nodeName ? nodeOf(pod.spec.nodeName) : undefined));
  }
  return { addressType, groups };
}
