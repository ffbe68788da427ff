// The pod's resolv.conf as a CRI DNSConfig (upstream pkg/kubelet/network/dns).
import type { DNSConfig } from '@k8ts/cri';
import type { Pod } from 'kubernetes-types/core/v1';

/** Upstream validation limits that resolvers rely on. */
export const MAX_DNS_NAMESERVERS = 3;
export const MAX_DNS_SEARCH_PATHS = 32;
export const MAX_DNS_SEARCH_LIST_CHARS = 2048;
const MAX_SEARCH_LENGTH = 253;

export const DEFAULT_DNS_OPTIONS: readonly string[] = ['ndots:5'];

export interface DNSSettings {
  /** Cluster DNS service IPs (--cluster-dns); empty makes ClusterFirst fall back to Default. */
  clusterDNS: readonly string[];
  /** --cluster-domain, e.g. cluster.local; empty drops the cluster search paths. */
  clusterDomain: string;
  /**
   * The node's resolv.conf, parsed (parseResolvConf). Without it, "Default" pods get an empty
   * config, which makes containerd copy the host's /etc/resolv.conf — the same result.
   */
  hostDNS?: DNSConfig;
}

type DNSType = 'cluster' | 'host' | 'none';

/** Which base config a pod gets: ClusterFirst means host DNS for hostNetwork pods. */
function dnsType(pod: Pod, settings: DNSSettings): DNSType {
  const policy = pod.spec?.dnsPolicy ?? 'ClusterFirst';
  let type: DNSType;
  if (policy === 'None') type = 'none';
  else if (policy === 'ClusterFirstWithHostNet') type = 'cluster';
  else if (policy === 'ClusterFirst') type = pod.spec?.hostNetwork ? 'host' : 'cluster';
  else type = 'host';
  // Upstream records a MissingClusterDNS event here and falls back to "Default".
  if (type === 'cluster' && settings.clusterDNS.length === 0) type = 'host';
  return type;
}

export function podDNSConfig(pod: Pod, settings: DNSSettings): DNSConfig {
  const host = settings.hostDNS ?? { servers: [], searches: [], options: [] };
  let config: DNSConfig;
  switch (dnsType(pod, settings)) {
    case 'none':
      config = { servers: [], searches: [], options: [] };
      break;
    case 'host':
      config = { servers: [...host.servers], searches: [...host.searches], options: [...host.options] };
      break;
    case 'cluster':
      config = {
        servers: [...settings.clusterDNS],
        searches: clusterSearches(pod.metadata?.namespace ?? '', settings.clusterDomain, host.searches),
        options: [...DEFAULT_DNS_OPTIONS],
      };
      break;
  }
  const extra = pod.spec?.dnsConfig;
  if (extra) {
    config = {
      servers: unique([...config.servers, ...(extra.nameservers ?? [])]),
      searches: unique([...config.searches, ...(extra.searches ?? [])]),
      options: mergeOptions(config.options, extra.options ?? []),
    };
  }
  return fitLimits(config);
}

function clusterSearches(namespace: string, domain: string, hostSearches: readonly string[]): string[] {
  if (domain === '') return [...hostSearches];
  return unique([`${namespace}.svc.${domain}`, `svc.${domain}`, domain, ...hostSearches]);
}

const unique = (list: readonly string[]): string[] => [...new Set(list)];

/** Options by name, later ones overriding earlier values ("ndots:5" + {ndots: 2} → "ndots:2"). */
function mergeOptions(base: readonly string[], extra: readonly { name?: string; value?: string }[]): string[] {
  const byName = new Map<string, string>();
  for (const op of base) {
    const i = op.indexOf(':');
    byName.set(i === -1 ? op : op.slice(0, i), i === -1 ? '' : op.slice(i + 1));
  }
  for (const op of extra) byName.set(op.name ?? '', op.value ?? '');
  return [...byName].map(([name, value]) => (value === '' ? name : `${name}:${value}`));
}

/** Drops what resolvers cannot take: a 4th nameserver, a 33rd search path, over-long lines. */
function fitLimits(config: DNSConfig): DNSConfig {
  let searches = config.searches.slice(0, MAX_DNS_SEARCH_PATHS).filter((s) => s.length <= MAX_SEARCH_LENGTH);
  while (searches.join(' ').length > MAX_DNS_SEARCH_LIST_CHARS) searches = searches.slice(0, -1);
  return { servers: config.servers.slice(0, MAX_DNS_NAMESERVERS), searches, options: config.options };
}

/** nameserver lines, the last search line (trailing dots dropped, "." ignored), options lines. */
export function parseResolvConf(text: string): DNSConfig {
  const config: DNSConfig = { servers: [], searches: [], options: [] };
  for (const raw of text.split('\n')) {
    const line = raw.replace(/[#;].*$/, '').trim();
    const [key, ...fields] = line.split(/\s+/);
    if (key === 'nameserver' && fields[0]) config.servers.push(fields[0]);
    else if (key === 'search') config.searches = fields.filter((s) => s !== '.').map((s) => s.replace(/\.$/, ''));
    else if (key === 'options') config.options = mergeOptions(config.options, fields.map(splitOption));
  }
  return config;
}

function splitOption(op: string): { name: string; value: string } {
  const i = op.indexOf(':');
  return i === -1 ? { name: op, value: '' } : { name: op.slice(0, i), value: op.slice(i + 1) };
}
