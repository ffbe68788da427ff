// What the Endpoints and EndpointSlice controllers ask of pods and services (upstream's
// endpointslice util package): which pods a service selects, which of them belong in its
// endpoints, the address and ports each one offers, and which services a pod change touches.
import { selectorFromSet } from '@k8ts/api';
import type { Lister } from '@k8ts/client';
import type { Pod, Service, ServicePort } from 'kubernetes-types/core/v1';
import { isPodTerminal } from '../../controller/pod-utils.ts';

/** A service's selector; undefined when it has none (an empty selector is stored as none). */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  return sel && Object.keys(sel).length > 0 ? sel : undefined;
}

/** No cluster IP: DNS answers with the endpoints themselves. */
export const isHeadless = (svc: Service): boolean => svc.spec?.clusterIP === 'None';

/** The pods of the service's namespace its selector matches (none without a selector). */
export function selectedPods(pods: Lister<Pod>, svc: Service): Pod[] {
  const sel = serviceSelector(svc);
  if (!sel) return [];
  const selector = selectorFromSet(sel);
  return pods.byNamespace(svc.metadata?.namespace ?? '', (p) => selector.matches(p.metadata?.labels ?? {}));
}

/**
 * Finished pods and pods without an IP never count; terminating ones only when the caller
 * includes them (the Endpoints controller does so for publishNotReadyAddresses services).
 */
export function shouldPodBeInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!pod.status?.podIP && !pod.status?.podIPs?.length) return false;
  return includeTerminating || !pod.metadata?.deletionTimestamp;
}

/** A pod whose spec.subdomain names the service gets its spec.hostname in the endpoints. */
export const shouldSetHostname = (pod: Pod, svc: Service): boolean =>
  Boolean(pod.spec?.hostname) && pod.spec?.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace;

const isIPv6 = (ip: string) => ip.includes(':');

/** The service's first IP family (from ipFamilies, else its cluster IP, else the pod's IP). */
export function serviceIPFamily(svc: Service, pod?: Pod): 'IPv4' | 'IPv6' {
  const fam = svc.spec?.ipFamilies?.[0];
  if (fam === 'IPv4' || fam === 'IPv6') return fam;
  const cip = svc.spec?.clusterIP;
  if (cip && cip !== 'None') return isIPv6(cip) ? 'IPv6' : 'IPv4';
  return pod?.status?.podIP && isIPv6(pod.status.podIP) ? 'IPv6' : 'IPv4';
}

/** The pod's IP of the given family, or undefined when it has none. */
export function podIPOfFamily(pod: Pod, family: 'IPv4' | 'IPv6'): string | undefined {
  const ips = pod.status?.podIPs?.length ? pod.status.podIPs.map((p) => p.ip) : [pod.status?.podIP ?? ''];
  return ips.find((ip) => ip && isIPv6(ip) === (family === 'IPv6'));
}

/**
 * The container port a service port reaches on this pod: a numeric targetPort as is, a named
 * one by looking it up (name and protocol) among the containers and restartable init
 * containers; undefined when the pod has no such port.
 */
export function findPort(pod: Pod, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  const sidecars = (pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always');
  for (const c of [...(pod.spec?.containers ?? []), ...sidecars]) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
  }
  return undefined;
}

/** Keys of the services in the pod's namespace whose selector matches these labels. */
export function servicesSelecting(services: Lister<Service>, namespace: string, labels: Record<string, string>): string[] {
  const keys: string[] = [];
  for (const svc of services.byNamespace(namespace)) {
    const sel = serviceSelector(svc);
    if (sel && selectorFromSet(sel).matches(labels)) keys.push(`${namespace}/${svc.metadata?.name ?? ''}`);
  }
  return keys;
}

/** What an endpoint shows of a pod: a change to any of it must reach the services. */
const endpointView = (p: Pod) => JSON.stringify([
  p.status?.podIP, p.status?.podIPs, p.spec?.nodeName, p.spec?.hostname, p.spec?.subdomain, p.metadata?.deletionTimestamp,
  p.status?.phase, p.status?.conditions?.find((c) => c.type === 'Ready'), p.spec?.containers?.map((c) => c.ports),
]);

/**
 * The services to resync after a pod changed: those selecting it before or after when its
 * labels moved, those selecting it now when anything endpoints show changed, none otherwise.
 */
export function servicesForPodChange(services: Lister<Service>, old: Pod, cur: Pod): string[] {
  if (old.metadata?.resourceVersion === cur.metadata?.resourceVersion && old.metadata?.resourceVersion) return [];
  const ns = cur.metadata?.namespace ?? '';
  const labelsChanged = JSON.stringify(old.metadata?.labels ?? {}) !== JSON.stringify(cur.metadata?.labels ?? {});
  const now = servicesSelecting(services, ns, cur.metadata?.labels ?? {});
  if (labelsChanged) return [...new Set([...now, ...servicesSelecting(services, ns, old.metadata?.labels ?? {})])];
  return endpointView(old) !== endpointView(cur) ? now : [];
}
