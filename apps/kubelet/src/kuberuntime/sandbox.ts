// Pod → CRI PodSandboxConfig (upstream kuberuntime_sandbox.go generatePodSandboxConfig and
// kuberuntime_sandbox_linux.go).
import type { PodSandboxConfig, PortMapping, Protocol } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';
import { posix } from 'node:path';
import { podDNSConfig, type DNSSettings } from './dns.ts';
import { sandboxAnnotations, sandboxLabels } from './labels.ts';
import { podCgroupParent } from './qos.ts';
import { overheadResources, sandboxResources, type CpuQuotaOptions } from './resources.ts';
import { sandboxSecurityContext } from './security.ts';

export interface NodeSandboxSettings extends DNSSettings, CpuQuotaOptions {
  /** Root of pod log directories, normally /var/log/pods. */
  podLogsRoot: string;
  /** The node's cgroup root ("/" on a plain host); pods go under `<root>/kubepods/…`. */
  cgroupParent: string;
}

/** `<root>/<namespace>_<name>_<uid>`: where the runtime writes this pod's container logs. */
export function podLogDirectory(podLogsRoot: string, pod: Pod): string {
  const m = pod.metadata ?? {};
  return posix.join(podLogsRoot, `${m.namespace ?? ''}_${m.name ?? ''}_${m.uid ?? ''}`);
}

const HOSTNAME_MAX = 63;
const FQDN_MAX = 64;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/**
 * spec.hostname or the pod name, cut to 63 characters without a trailing '-' or '.'; with
 * setHostnameAsFQDN and a subdomain, `<host>.<subdomain>.<ns>.svc.<domain>` (at most 64).
 */
export function podHostname(pod: Pod, clusterDomain: string): string {
  const name = pod.metadata?.name ?? '';
  const spec = pod.spec;
  for (const [field, value] of [['Hostname', spec?.hostname], ['Subdomain', spec?.subdomain]] as const) {
    if (value && (value.length > HOSTNAME_MAX || !DNS_LABEL.test(value))) {
      throw new Error(`pod ${field} "${value}" is not a valid DNS label`);
    }
  }
  let hostname = spec?.hostname || name;
  if (hostname.length > HOSTNAME_MAX) {
    hostname = hostname.slice(0, HOSTNAME_MAX).replace(/[-.]+$/, '');
    if (hostname === '') throw new Error(`hostname for pod "${name}" was invalid: "${spec?.hostname || name}"`);
  }
  if (spec?.setHostnameAsFQDN && spec.subdomain) {
    const fqdn = `${hostname}.${spec.subdomain}.${pod.metadata?.namespace ?? ''}.svc.${clusterDomain}`;
    if (fqdn.length > FQDN_MAX) {
      throw new Error(
        `failed to construct FQDN from pod hostname and cluster domain, FQDN ${fqdn} is too long (${FQDN_MAX} characters is the max, ${fqdn.length} characters requested)`,
      );
    }
    return fqdn;
  }
  return hostname;
}

/**
 * One mapping per declared hostPort (ports without one are not published); a port name used
 * twice in a container keeps its first declaration, as upstream MakePortMappings.
 */
export function portMappings(containers: readonly Container[]): PortMapping[] {
  const out: PortMapping[] = [];
  for (const c of containers) {
    const seen = new Set<string>();
    for (const p of c.ports ?? []) {
      const family = !p.hostIP ? 'any' : p.hostIP.includes(':') ? 'v6' : 'v4';
      const protocol = (p.protocol ?? 'TCP') as Protocol;
      const key = p.name || `${family}-${protocol}-${p.hostIP ?? ''}:${p.containerPort}:${p.hostPort ?? 0}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (!p.hostPort || p.hostPort <= 0) continue;
      out.push({ protocol, container_port: p.containerPort, host_port: p.hostPort, host_ip: p.hostIP ?? '' });
    }
  }
  return out;
}

/**
 * runc checks that a sysctl lives in a namespaced subsystem by its dotted name, so slash-separated
 * names ("net/ipv4/ip_forward") are rewritten with '.' and '/' swapped.
 */
export function dottedSysctl(name: string): string {
  const first = name.search(/[./]/);
  if (first === -1 || name[first] === '.') return name;
  return name.replace(/[./]/g, (ch) => (ch === '.' ? '/' : '.'));
}

export function sandboxConfig(pod: Pod, node: NodeSandboxSettings, attempt: number): PodSandboxConfig {
  const m = pod.metadata ?? {};
  const sysctls: Record<string, string> = {};
  for (const s of pod.spec?.securityContext?.sysctls ?? []) sysctls[dottedSysctl(s.name)] = s.value;
  return {
    metadata: { name: m.name ?? '', namespace: m.namespace ?? '', uid: m.uid ?? '', attempt },
    // A host-network sandbox shares the node's UTS namespace: the runtime refuses any hostname.
    hostname: pod.spec?.hostNetwork ? '' : podHostname(pod, node.clusterDomain),
    log_directory: podLogDirectory(node.podLogsRoot, pod),
    dns_config: podDNSConfig(pod, node),
    port_mappings: portMappings(pod.spec?.containers ?? []),
    labels: sandboxLabels(pod),
    annotations: sandboxAnnotations(pod),
    linux: {
      cgroup_parent: podCgroupParent(pod, node.cgroupParent),
      security_context: sandboxSecurityContext(pod),
      sysctls,
      overhead: overheadResources(pod, node) ?? null,
      resources: sandboxResources(pod, node),
    },
  };
}
