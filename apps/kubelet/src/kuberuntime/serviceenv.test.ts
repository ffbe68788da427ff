import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { makeEnvironment } from './env.ts';
import { podServices, serviceEnv } from './serviceenv.ts';
import { makePod } from './testing.ts';

const svc = (namespace: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  metadata: { namespace, name },
  spec: { clusterIP, ports },
});

const kubernetes = svc('default', 'kubernetes', '10.96.0.1', [{ name: 'https', port: 443, protocol: 'TCP' }]);
const redis = svc('shop', 'redis-primary', '10.96.3.4', [{ port: 6379 }, { name: 'metrics', port: 9121, protocol: 'TCP' }]);
const dns = svc('shop', 'dns', 'fd00::10', [{ port: 53, protocol: 'UDP' }]);
const headless = svc('shop', 'headless', 'None', [{ port: 80 }]);
const elsewhere = svc('other', 'web', '10.96.5.5', [{ port: 80 }]);

describe('podServices', () => {
  const cases = [
    { name: 'own namespace plus kubernetes', links: undefined, ns: 'shop', want: ['kubernetes', 'redis-primary', 'dns'] },
    { name: 'enableServiceLinks false keeps only kubernetes', links: false, ns: 'shop', want: ['kubernetes'] },
    { name: 'default namespace', links: true, ns: 'default', want: ['kubernetes'] },
  ];
  it.each(cases)('$name', ({ links, ns, want }) => {
    const pod = makePod(links === undefined ? {} : { enableServiceLinks: links }, { namespace: ns });
    const got = podServices(pod, [kubernetes, redis, dns, headless, elsewhere]).map((s) => s.metadata?.name);
    expect(got).toEqual(want);
  });
});

describe('serviceEnv', () => {
  it('writes host, port, named ports and link variables', () => {
    expect(Object.fromEntries(serviceEnv([kubernetes, redis, dns]))).toEqual({
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
      KUBERNETES_SERVICE_PORT_HTTPS: '443',
      KUBERNETES_PORT: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP: 'tcp://10.96.0.1:443',
      KUBERNETES_PORT_443_TCP_PROTO: 'tcp',
      KUBERNETES_PORT_443_TCP_PORT: '443',
      KUBERNETES_PORT_443_TCP_ADDR: '10.96.0.1',
      REDIS_PRIMARY_SERVICE_HOST: '10.96.3.4',
      REDIS_PRIMARY_SERVICE_PORT: '6379',
      REDIS_PRIMARY_SERVICE_PORT_METRICS: '9121',
      REDIS_PRIMARY_PORT: 'tcp://10.96.3.4:6379',
      REDIS_PRIMARY_PORT_6379_TCP: 'tcp://10.96.3.4:6379',
      REDIS_PRIMARY_PORT_6379_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_6379_TCP_PORT: '6379',
      REDIS_PRIMARY_PORT_6379_TCP_ADDR: '10.96.3.4',
      REDIS_PRIMARY_PORT_9121_TCP: 'tcp://10.96.3.4:9121',
      REDIS_PRIMARY_PORT_9121_TCP_PROTO: 'tcp',
      REDIS_PRIMARY_PORT_9121_TCP_PORT: '9121',
      REDIS_PRIMARY_PORT_9121_TCP_ADDR: '10.96.3.4',
      DNS_SERVICE_HOST: 'fd00::10',
      DNS_SERVICE_PORT: '53',
      DNS_PORT: 'udp://[fd00::10]:53',
      DNS_PORT_53_UDP: 'udp://[fd00::10]:53',
      DNS_PORT_53_UDP_PROTO: 'udp',
      DNS_PORT_53_UDP_PORT: '53',
      DNS_PORT_53_UDP_ADDR: 'fd00::10',
    });
  });

  it('are referable from env and never override the container’s own variables', async () => {
    const pod = makePod({}, { namespace: 'shop' });
    const { env } = await makeEnvironment(
      pod,
      { name: 'app', env: [{ name: 'REDIS', value: '$(REDIS_PRIMARY_SERVICE_HOST):$(REDIS_PRIMARY_SERVICE_PORT)' }, { name: 'KUBERNETES_SERVICE_HOST', value: 'mine' }] },
      {
        podIP: '', podIPs: [], hostIP: '', hostIPs: [], nodeName: '', serviceAccountName: '',
        allocatable: {},
        sources: { configMap: async () => undefined, secret: async () => undefined },
        services: [kubernetes, redis],
      },
    );
    expect(env.get('REDIS')).toBe('10.96.3.4:6379');
    expect(env.get('KUBERNETES_SERVICE_HOST')).toBe('mine');
    expect(env.get('KUBERNETES_SERVICE_PORT')).toBe('443');
    expect([...env.keys()].slice(0, 2)).toEqual(['REDIS', 'KUBERNETES_SERVICE_HOST']);
  });
});
