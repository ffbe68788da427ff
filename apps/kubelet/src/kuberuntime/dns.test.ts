import type { DNSConfig } from '@k8ts/cri';
import type { PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { parseResolvConf, podDNSConfig, type DNSSettings } from './dns.ts';
import { makePod } from './testing.ts';

const hostDNS: DNSConfig = { servers: ['192.0.2.53'], searches: ['corp.example'], options: ['edns0'] };
const settings: DNSSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', hostDNS };
const clusterSearch = ['ns1.svc.cluster.local', 'svc.cluster.local', 'cluster.local'];

describe('podDNSConfig', () => {
  const cases: { name: string; spec: Partial<PodSpec>; settings?: DNSSettings; want: DNSConfig }[] = [
    {
      name: 'ClusterFirst (the default)',
      spec: {},
      want: { servers: ['10.96.0.10'], searches: [...clusterSearch, 'corp.example'], options: ['ndots:5'] },
    },
    {
      name: 'ClusterFirst without host resolv.conf',
      spec: { dnsPolicy: 'ClusterFirst' },
      settings: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
      want: { servers: ['10.96.0.10'], searches: clusterSearch, options: ['ndots:5'] },
    },
    { name: 'ClusterFirst with hostNetwork uses the host', spec: { dnsPolicy: 'ClusterFirst', hostNetwork: true }, want: hostDNS },
    {
      name: 'ClusterFirstWithHostNet',
      spec: { dnsPolicy: 'ClusterFirstWithHostNet', hostNetwork: true },
      want: { servers: ['10.96.0.10'], searches: [...clusterSearch, 'corp.example'], options: ['ndots:5'] },
    },
    { name: 'Default', spec: { dnsPolicy: 'Default' }, want: hostDNS },
    {
      name: 'Default without host resolv.conf leaves it to the runtime',
      spec: { dnsPolicy: 'Default' },
      settings: { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local' },
      want: { servers: [], searches: [], options: [] },
    },
    {
      name: 'ClusterFirst falls back to Default without cluster DNS',
      spec: {},
      settings: { clusterDNS: [], clusterDomain: 'cluster.local', hostDNS },
      want: hostDNS,
    },
    {
      name: 'no cluster domain: host searches only',
      spec: {},
      settings: { clusterDNS: ['10.96.0.10'], clusterDomain: '', hostDNS },
      want: { servers: ['10.96.0.10'], searches: ['corp.example'], options: ['ndots:5'] },
    },
    {
      name: 'None with dnsConfig',
      spec: {
        dnsPolicy: 'None',
        dnsConfig: { nameservers: ['1.1.1.1', '1.1.1.1'], searches: ['a.example'], options: [{ name: 'ndots', value: '2' }, { name: 'rotate' }] },
      },
      want: { servers: ['1.1.1.1'], searches: ['a.example'], options: ['ndots:2', 'rotate'] },
    },
    { name: 'None alone is empty', spec: { dnsPolicy: 'None' }, want: { servers: [], searches: [], options: [] } },
    {
      name: 'dnsConfig merges into ClusterFirst and overrides options by name',
      spec: { dnsConfig: { nameservers: ['10.96.0.10', '8.8.8.8'], searches: ['cluster.local', 'x.example'], options: [{ name: 'ndots', value: '1' }] } },
      want: {
        servers: ['10.96.0.10', '8.8.8.8'],
        searches: [...clusterSearch, 'corp.example', 'x.example'],
        options: ['ndots:1'],
      },
    },
    {
      name: 'at most three nameservers',
      spec: { dnsPolicy: 'None', dnsConfig: { nameservers: ['1.0.0.1', '1.0.0.2', '1.0.0.3', '1.0.0.4'] } },
      want: { servers: ['1.0.0.1', '1.0.0.2', '1.0.0.3'], searches: [], options: [] },
    },
    {
      name: 'at most 32 search paths',
      spec: { dnsPolicy: 'None', dnsConfig: { searches: Array.from({ length: 40 }, (_, i) => `d${i}.example`) } },
      want: { servers: [], searches: Array.from({ length: 32 }, (_, i) => `d${i}.example`), options: [] },
    },
  ];

  it.each(cases)('$name', ({ spec, settings: s, want }) => {
    expect(podDNSConfig(makePod(spec, { namespace: 'ns1' }), s ?? settings)).toEqual(want);
  });
});

describe('parseResolvConf', () => {
  it('reads nameservers, the last search line and options', () => {
    const text = [
      '# generated',
      'nameserver 192.0.2.53',
      'nameserver 192.0.2.54 ; comment',
      'search old.example',
      'search corp.example. . lab.example',
      'options ndots:2 edns0',
      'options ndots:3',
    ].join('\n');
    expect(parseResolvConf(text)).toEqual({
      servers: ['192.0.2.53', '192.0.2.54'],
      searches: ['corp.example', 'lab.example'],
      options: ['ndots:3', 'edns0'],
    });
  });
});
