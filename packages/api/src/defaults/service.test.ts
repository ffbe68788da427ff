import { describe, expect, it } from 'vitest';
import { applyDefaults } from './index.ts';

describe('Service defaults', () => {
  const cases: { name: string; spec: Record<string, unknown>; want: Record<string, unknown> }[] = [
    {
      name: 'cluster IP service',
      spec: { selector: { app: 'a' }, ports: [{ port: 80 }] },
      want: { selector: { app: 'a' }, type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }] },
    },
    {
      name: 'named target port kept',
      spec: { ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'UDP' }] },
      want: { type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', ports: [{ name: 'http', port: 80, targetPort: 'web', protocol: 'UDP' }] },
    },
    {
      name: 'node port',
      spec: { type: 'NodePort', ports: [{ port: 80, targetPort: 8080 }] },
      want: { type: 'NodePort', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster', ports: [{ port: 80, targetPort: 8080, protocol: 'TCP' }] },
    },
    {
      name: 'load balancer',
      spec: { type: 'LoadBalancer', ports: [{ port: 443 }] },
      want: {
        type: 'LoadBalancer', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true, ports: [{ port: 443, protocol: 'TCP', targetPort: 443 }],
      },
    },
    {
      name: 'cluster IP with external IPs is externally accessible',
      spec: { externalIPs: ['1.2.3.4'], ports: [] },
      want: { externalIPs: ['1.2.3.4'], type: 'ClusterIP', sessionAffinity: 'None', internalTrafficPolicy: 'Cluster', externalTrafficPolicy: 'Cluster', ports: [] },
    },
    {
      name: 'external name has no traffic policies',
      spec: { type: 'ExternalName', externalName: 'example.com' },
      want: { type: 'ExternalName', externalName: 'example.com', sessionAffinity: 'None' },
    },
    {
      name: 'client IP affinity gets its timeout',
      spec: { sessionAffinity: 'ClientIP', ports: [] },
      want: { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } }, type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ports: [] },
    },
    {
      name: 'affinity config dropped without affinity',
      spec: { sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, ports: [] },
      want: { sessionAffinity: 'None', type: 'ClusterIP', internalTrafficPolicy: 'Cluster', ports: [] },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const svc = { metadata: { name: 's' }, spec: c.spec };
      applyDefaults('Service', svc);
      expect(svc.spec).toEqual(c.want);
      expect(svc.spec).not.toHaveProperty('clusterIP');
    });
  }
});

describe('Endpoints and EndpointSlice defaults', () => {
  it('endpoints ports are TCP', () => {
    const ep = { subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] };
    applyDefaults('Endpoints', ep);
    expect(ep.subsets[0]?.ports).toEqual([{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }]);
  });

  it('slice ports get an empty name and TCP', () => {
    const slice = { addressType: 'IPv4', endpoints: [], ports: [{ port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }] };
    applyDefaults('EndpointSlice', slice);
    expect(slice.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }, { name: 'dns', port: 53, protocol: 'UDP' }]);
  });
});
