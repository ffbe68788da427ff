// Service, Endpoints and EndpointSlice defaults. A Service's clusterIP, ipFamilies and
// ipFamilyPolicy are not defaults: the registry sets them while allocating the address.
import { defaultPointer, defaultString, items, struct, type Obj } from './util.ts';

const CLIENT_IP_TIMEOUT = 10800; // three hours, upstream's DefaultClientIPServiceAffinitySeconds

/** Reachable from outside the cluster, which is when externalTrafficPolicy means something. */
function externallyAccessible(spec: Obj): boolean {
  const type = spec['type'];
  const externalIPs = spec['externalIPs'];
  return type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && Array.isArray(externalIPs) && externalIPs.length > 0);
}

export function defaultService(svc: Obj): void {
  const spec = struct(svc, 'spec');
  defaultString(spec, 'sessionAffinity', 'None');
  if (spec['sessionAffinity'] === 'None') delete spec['sessionAffinityConfig'];
  if (spec['sessionAffinity'] === 'ClientIP') {
    const timeout = spec['sessionAffinityConfig']?.['clientIP']?.['timeoutSeconds'];
    if (timeout == null) spec['sessionAffinityConfig'] = { clientIP: { timeoutSeconds: CLIENT_IP_TIMEOUT } };
  }
  defaultString(spec, 'type', 'ClusterIP');
  for (const port of items(spec, 'ports')) {
    defaultString(port, 'protocol', 'TCP');
    if (port['targetPort'] === undefined || port['targetPort'] === null || port['targetPort'] === 0 || port['targetPort'] === '') {
      port['targetPort'] = port['port'];
    }
  }
  if (externallyAccessible(spec)) defaultString(spec, 'externalTrafficPolicy', 'Cluster');
  if (['ClusterIP', 'NodePort', 'LoadBalancer'].includes(spec['type'])) defaultPointer(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec['type'] === 'LoadBalancer') {
    defaultPointer(spec, 'allocateLoadBalancerNodePorts', true);
    for (const ingress of items(svc['status']?.['loadBalancer'], 'ingress')) {
      if (ingress['ip'] && ingress['ipMode'] == null) ingress['ipMode'] = 'VIP';
    }
  }
}

export function defaultEndpoints(ep: Obj): void {
  for (const subset of items(ep, 'subsets')) for (const port of items(subset, 'ports')) defaultString(port, 'protocol', 'TCP');
}

/** discovery/v1: a port's name and protocol are pointers that read back as '' and TCP. */
export function defaultEndpointSlice(slice: Obj): void {
  for (const port of items(slice, 'ports')) {
    defaultPointer(port, 'name', '');
    defaultPointer(port, 'protocol', 'TCP');
  }
}
