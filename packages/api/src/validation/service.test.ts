import { describe, expect, it } from 'vitest';
import { validateCreate, validateUpdate } from './index.ts';
import { lines } from './testutil.ts';

const svc = (spec: Record<string, unknown>, name = 'web') => ({ kind: 'Service', metadata: { name, namespace: 'default' }, spec });

describe('Service', () => {
  it.each([
    { name: 'valid', obj: svc({ selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] }), want: [] },
    { name: 'headless without ports', obj: svc({ clusterIP: 'None', selector: { app: 'web' } }), want: [] },
    { name: 'external name', obj: svc({ type: 'ExternalName', externalName: 'example.com' }), want: [] },
    { name: 'name is dns-1035', obj: svc({ ports: [{ port: 80 }] }, '1web'), want: [expect.stringMatching(/^metadata.name: Invalid value: "1web": a DNS-1035 label/) as unknown as string] },
    { name: 'ports required', obj: svc({ selector: { app: 'web' } }), want: ['spec.ports: Required value'] },
    { name: 'port range', obj: svc({ ports: [{ port: 0 }] }), want: ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'] },
    { name: 'names required with two ports', obj: svc({ ports: [{ name: 'a', port: 80 }, { port: 81 }] }), want: ['spec.ports[1].name: Required value'] },
    { name: 'duplicate names', obj: svc({ ports: [{ name: 'a', port: 80 }, { name: 'a', port: 81 }] }), want: ['spec.ports[1].name: Duplicate value: "a"'] },
    { name: 'bad type', obj: svc({ type: 'Internal', ports: [{ port: 80 }] }), want: ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'] },
    { name: 'bad cluster IP', obj: svc({ clusterIP: '10.0.0.300', ports: [{ port: 80 }] }), want: ['spec.clusterIPs[0]: Invalid value: "10.0.0.300": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
    { name: 'named target port', obj: svc({ ports: [{ port: 80, targetPort: 'Http_1' }] }), want: ['spec.ports[0].targetPort: Invalid value: "Http_1": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'] },
    { name: 'nodePort on ClusterIP', obj: svc({ type: 'ClusterIP', ports: [{ port: 80, nodePort: 30080 }] }), want: ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"] },
    { name: 'external name required', obj: svc({ type: 'ExternalName' }), want: ['spec.externalName: Required value'] },
  ])('$name', (c) => {
    expect(lines(validateCreate('Service', c.obj))).toEqual(c.want);
  });

  it.each([
    { name: 'ports change', now: { clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 81 }] }, want: [] },
    { name: 'cluster IP change', now: { clusterIPs: ['None'], ports: [{ port: 80 }] }, want: ['spec.clusterIPs[0]: Invalid value: []string{"None"}: may not change once set'] },
    { name: 'to ExternalName', now: { type: 'ExternalName', externalName: 'example.com' }, want: [] },
  ])('update: $name', (c) => {
    const old = svc({ clusterIP: '10.96.0.10', clusterIPs: ['10.96.0.10'], ports: [{ port: 80 }] });
    expect(lines(validateUpdate('Service', svc(c.now), old))).toEqual(c.want);
  });
});

describe('Endpoints and EndpointSlice', () => {
  it.each([
    { name: 'endpoints ok', kind: 'Endpoints', obj: { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: '10.0.0.1' }], ports: [{ port: 80 }] }] }, want: [] },
    { name: 'endpoints bad ip', kind: 'Endpoints', obj: { metadata: { name: 'web' }, subsets: [{ addresses: [{ ip: 'x' }], ports: [{ port: 80 }] }] }, want: ['subsets[0].addresses[0].ip: Invalid value: "x": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'] },
    { name: 'slice ok', kind: 'EndpointSlice', obj: { metadata: { name: 'web-abc' }, addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.1'] }], ports: [{ name: 'http', port: 80 }] }, want: [] },
    { name: 'slice address type', kind: 'EndpointSlice', obj: { metadata: { name: 'w' }, addressType: 'IPv5' }, want: ['addressType: Unsupported value: "IPv5": supported values: "IPv4", "IPv6", "FQDN"'] },
    { name: 'slice empty addresses', kind: 'EndpointSlice', obj: { metadata: { name: 'w' }, addressType: 'IPv4', endpoints: [{ addresses: [] }] }, want: ['endpoints[0].addresses: Required value: must contain at least 1 address'] },
    { name: 'slice wrong family', kind: 'EndpointSlice', obj: { metadata: { name: 'w' }, addressType: 'IPv4', endpoints: [{ addresses: ['fd00::1'] }] }, want: ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address'] },
  ])('$name', (c) => {
    expect(lines(validateCreate(c.kind, c.obj))).toEqual(c.want);
  });
});
