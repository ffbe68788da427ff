import type { Endpoints, Service } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { endpointSlicePrinter, endpointsPrinter, formatEndpoints, serviceExternalIP, servicePorts, servicePrinter } from './network.ts';

const now = new Date('2024-05-01T12:00:00Z');

describe('servicePrinter', () => {
  const cases: { name: string; svc: Service; want: unknown[] }[] = [
    {
      name: 'cluster IP',
      svc: { metadata: { name: 'web', creationTimestamp: '2024-05-01T11:58:00Z' }, spec: { type: 'ClusterIP', clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { app: 'web' } } },
      want: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '2m', 'app=web'],
    },
    {
      name: 'node port with two ports',
      svc: { metadata: { name: 'np' }, spec: { type: 'NodePort', clusterIPs: ['10.96.1.1'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }, { port: 53, nodePort: 30053, protocol: 'UDP' }] } },
      want: ['np', 'NodePort', '10.96.1.1', '<none>', '80:30080/TCP,53:30053/UDP', '<unknown>', '<none>'],
    },
    {
      name: 'headless without ports',
      svc: { metadata: { name: 'h' }, spec: { clusterIP: 'None' } },
      want: ['h', 'ClusterIP', 'None', '<none>', '<none>', '<unknown>', '<none>'],
    },
    {
      name: 'external name',
      svc: { metadata: { name: 'ext' }, spec: { type: 'ExternalName', externalName: 'db.example.com' } },
      want: ['ext', 'ExternalName', '<none>', 'db.example.com', '<none>', '<unknown>', '<none>'],
    },
  ];
  it.each(cases)('$name', ({ svc, want }) => expect(servicePrinter.cells(svc, now)).toEqual(want));
});

describe('serviceExternalIP', () => {
  const lb = (ingress: { ip?: string; hostname?: string }[], externalIPs?: string[]): Service => ({
    spec: { type: 'LoadBalancer', externalIPs }, status: { loadBalancer: { ingress } },
  });
  it.each([
    { name: 'cluster IP with external IPs', svc: { spec: { type: 'ClusterIP', externalIPs: ['1.2.3.4', '5.6.7.8'] } } as Service, want: '1.2.3.4,5.6.7.8' },
    { name: 'load balancer pending', svc: lb([]), want: '<pending>' },
    { name: 'load balancer addresses sorted, hostnames when no IP', svc: lb([{ ip: '9.9.9.9' }, { hostname: 'a.example' }, { ip: '1.1.1.1' }]), want: '1.1.1.1,9.9.9.9,a.example' },
    { name: 'load balancer plus external IPs', svc: lb([{ ip: '9.9.9.9' }], ['1.2.3.4']), want: '9.9.9.9,1.2.3.4' },
    { name: 'unknown type', svc: { spec: { type: 'Weird' } } as Service, want: '<unknown>' },
  ])('$name', ({ svc, want }) => expect(serviceExternalIP(svc)).toBe(want));

  it('clips long load-balancer lists outside wide output', () => {
    expect(serviceExternalIP(lb([{ ip: '10.10.10.10' }, { ip: '10.10.10.11' }]), false)).toBe('10.10.10.10,1...');
  });

  it('defaults the protocol to TCP', () => expect(servicePorts({ spec: { ports: [{ port: 443 }] } })).toBe('443/TCP'));
});

describe('endpoints', () => {
  const ep = (subsets: Endpoints['subsets']): Endpoints => ({ metadata: { name: 'web' }, subsets });
  it.each([
    { name: 'no subsets', e: ep(undefined), want: '<none>' },
    { name: 'one address', e: ep([{ addresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }]), want: '10.244.0.5:80' },
    {
      name: 'more than three',
      e: ep([{ addresses: [{ ip: '10.244.0.5' }, { ip: '10.244.0.6' }, { ip: '10.244.0.7' }], ports: [{ port: 80 }, { port: 443 }] }]),
      want: '10.244.0.5:80,10.244.0.6:80,10.244.0.7:80 + 3 more...',
    },
    { name: 'headless without ports', e: ep([{ addresses: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }] }]), want: '10.244.0.5,fd00::5' },
    { name: 'IPv6 with a port', e: ep([{ addresses: [{ ip: 'fd00::5' }], ports: [{ port: 80 }] }]), want: '[fd00::5]:80' },
    { name: 'only not-ready addresses', e: ep([{ notReadyAddresses: [{ ip: '10.244.0.5' }], ports: [{ port: 80 }] }]), want: '' },
  ])('$name', ({ e, want }) => {
    expect(formatEndpoints(e)).toBe(want);
    expect(endpointsPrinter.cells(e, now)).toEqual(['web', want, '<unknown>']);
  });
});

describe('endpointSlicePrinter', () => {
  it.each([
    {
      name: 'ports by number, name or wildcard',
      slice: {
        metadata: { name: 'web-abc' }, addressType: 'IPv4',
        ports: [{ port: 80 }, { name: 'metrics' }, {}],
        endpoints: [{ addresses: ['10.244.0.5'] }, { addresses: ['10.244.0.6'] }],
      },
      want: ['web-abc', 'IPv4', '80,metrics,*', '10.244.0.5,10.244.0.6', '<unknown>'],
    },
    { name: 'empty slice', slice: { metadata: { name: 'e' }, addressType: 'IPv6', endpoints: [] }, want: ['e', 'IPv6', '<unset>', '<unset>', '<unknown>'] },
  ])('$name', ({ slice, want }) => expect(endpointSlicePrinter.cells(slice, now)).toEqual(want));
});
