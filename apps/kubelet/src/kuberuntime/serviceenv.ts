// Service environment variables (upstream kubelet_pods.go getServiceEnvVarMap and
// pkg/kubelet/envvars): FOO_SERVICE_HOST/PORT plus the Docker-link style FOO_PORT_80_TCP_*.
import type { Pod, Service } from 'kubernetes-types/core/v1';

/** Services every pod sees, from the default namespace, even with enableServiceLinks off. */
const MASTER_SERVICES = new Set(['kubernetes']);

const hasClusterIP = (s: Service): boolean => {
  const ip = s.spec?.clusterIP ?? '';
  return ip !== '' && ip !== 'None';
};

const envName = (name: string): string => name.replace(/-/g, '_').toUpperCase();

const hostPort = (ip: string, port: number): string => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`);

/**
 * The services a pod's containers learn about: `kubernetes` from the default namespace always,
 * and — when spec.enableServiceLinks is not false — every service of the pod's own namespace.
 * Headless services and services without ports are left out.
 */
export function podServices(pod: Pod, services: readonly Service[]): Service[] {
  const links = pod.spec?.enableServiceLinks !== false;
  const namespace = pod.metadata?.namespace ?? '';
  const byName = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s) || !s.spec?.ports?.length) continue;
    const name = s.metadata?.name ?? '';
    const ns = s.metadata?.namespace ?? '';
    if (ns === 'default' && MASTER_SERVICES.has(name)) {
      if (!byName.has(name)) byName.set(name, s);
    } else if (ns === namespace && links) {
      byName.set(name, s);
    }
  }
  return [...byName.values()];
}

/** The variables for `services`, in order: host, ports, then one link block per port. */
export function serviceEnv(services: readonly Service[]): Map<string, string> {
  const env = new Map<string, string>();
  for (const s of services) {
    const ip = s.spec?.clusterIP ?? '';
    const ports = s.spec?.ports ?? [];
    const first = ports[0];
    if (!hasClusterIP(s) || !first) continue;
    const prefix = envName(s.metadata?.name ?? '');
    env.set(`${prefix}_SERVICE_HOST`, ip);
    env.set(`${prefix}_SERVICE_PORT`, String(first.port));
    for (const p of ports) if (p.name) env.set(`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port));
    ports.forEach((p, i) => {
      const protocol = (p.protocol ?? 'TCP').toLowerCase();
      const url = `${protocol}://${hostPort(ip, p.port)}`;
      if (i === 0) env.set(`${prefix}_PORT`, url);
      const portPrefix = `${prefix}_PORT_${p.port}_${protocol.toUpperCase()}`;
      env.set(portPrefix, url);
      env.set(`${portPrefix}_PROTO`, protocol);
      env.set(`${portPrefix}_PORT`, String(p.port));
      env.set(`${portPrefix}_ADDR`, ip);
    });
  }
  return env;
}
