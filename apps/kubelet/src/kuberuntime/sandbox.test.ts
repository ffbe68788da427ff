import type { Container, PodSpec } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { dottedSysctl, podHostname, portMappings, sandboxConfig, type NodeSandboxSettings } from './sandbox.ts';
import { makePod } from './testing.ts';

const node: NodeSandboxSettings = { clusterDNS: ['10.96.0.10'], clusterDomain: 'cluster.local', podLogsRoot: '/var/log/pods', cgroupParent: '/' };

describe('sandboxConfig', () => {
  it('builds the whole config for a plain pod', () => {
    const pod = makePod(
      {
        containers: [{ name: 'app', image: 'busybox', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 9090 }] }],
        securityContext: { sysctls: [{ name: 'net/ipv4/ip_unprivileged_port_start', value: '0' }], fsGroup: 2000, runAsUser: 1000 },
      },
      { labels: { app: 'web' }, annotations: { note: 'x' } },
    );
    expect(sandboxConfig(pod, node, 2)).toEqual({
      metadata: { name: 'web', namespace: 'default', uid: 'uid-1', attempt: 2 },
      hostname: 'web',
      log_directory: '/var/log/pods/default_web_uid-1',
      dns_config: {
        servers: ['10.96.0.10'],
        searches: ['default.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        options: ['ndots:5'],
      },
      port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' }],
      labels: { app: 'web', 'io.kubernetes.pod.name': 'web', 'io.kubernetes.pod.namespace': 'default', 'io.kubernetes.pod.uid': 'uid-1' },
      annotations: { note: 'x' },
      linux: {
        cgroup_parent: '/kubepods/besteffort/poduid-1',
        security_context: {
          namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD', target_id: '' },
          run_as_user: { value: '1000' },
          readonly_rootfs: false,
          supplemental_groups: ['2000'],
          privileged: false,
          run_as_group: null,
          seccomp: { profile_type: 'RuntimeDefault', localhost_ref: '' },
        },
        sysctls: { 'net.ipv4.ip_unprivileged_port_start': '0' },
        overhead: null,
        resources: expect.objectContaining({ cpu_shares: '2', cpu_quota: '0' }),
      },
    });
  });

  const variants: { name: string; spec: Partial<PodSpec>; check: (c: ReturnType<typeof sandboxConfig>) => void }[] = [
    {
      name: 'hostNetwork: no hostname, NODE network, host DNS',
      spec: { hostNetwork: true },
      check: (c) => {
        expect(c.hostname).toBe('');
        expect(c.linux?.security_context?.namespace_options?.network).toBe('NODE');
        expect(c.dns_config).toEqual({ servers: [], searches: [], options: [] });
      },
    },
    {
      name: 'hostPID and hostIPC',
      spec: { hostPID: true, hostIPC: true },
      check: (c) => expect(c.linux?.security_context?.namespace_options).toMatchObject({ pid: 'NODE', ipc: 'NODE' }),
    },
    {
      name: 'shared process namespace',
      spec: { shareProcessNamespace: true },
      check: (c) => expect(c.linux?.security_context?.namespace_options?.pid).toBe('POD'),
    },
    {
      name: 'privileged container marks the sandbox privileged',
      spec: { containers: [{ name: 'a', securityContext: { privileged: true } }] },
      check: (c) => expect(c.linux?.security_context?.privileged).toBe(true),
    },
    {
      name: 'spec.hostname wins over the pod name',
      spec: { hostname: 'db-0' },
      check: (c) => expect(c.hostname).toBe('db-0'),
    },
    {
      name: 'guaranteed pod cgroup',
      spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }] },
      check: (c) => expect(c.linux?.cgroup_parent).toBe('/kubepods/poduid-1'),
    },
  ];
  it.each(variants)('$name', ({ spec, check }) => check(sandboxConfig(makePod(spec), node, 0)));
});

describe('podHostname', () => {
  const long = `${'a'.repeat(62)}-b`;
  const cases: { name: string; podName: string; spec: Partial<PodSpec>; want: string }[] = [
    { name: 'pod name', podName: 'web', spec: {}, want: 'web' },
    { name: '63 characters kept', podName: 'x'.repeat(63), spec: {}, want: 'x'.repeat(63) },
    { name: 'longer names cut to 63 without trailing dash', podName: `${'a'.repeat(62)}-bcd`, spec: {}, want: 'a'.repeat(62) },
    { name: 'cut at 63 exactly', podName: `${long}cd`, spec: {}, want: 'a'.repeat(62) },
    { name: 'FQDN when asked', podName: 'web-0', spec: { hostname: 'web-0', subdomain: 'web', setHostnameAsFQDN: true }, want: 'web-0.web.default.svc.cluster.local' },
    { name: 'FQDN needs a subdomain', podName: 'web-0', spec: { setHostnameAsFQDN: true }, want: 'web-0' },
  ];
  it.each(cases)('$name', ({ podName, spec, want }) => {
    expect(podHostname(makePod(spec, { name: podName }), 'cluster.local')).toBe(want);
  });

  it('rejects an FQDN over 64 characters', () => {
    const pod = makePod({ hostname: 'h'.repeat(40), subdomain: 's'.repeat(10), setHostnameAsFQDN: true });
    expect(() => podHostname(pod, 'cluster.local')).toThrow(/FQDN .* is too long \(64 characters is the max, 77 characters requested\)/);
  });
  it('rejects an invalid spec.hostname', () => {
    expect(() => podHostname(makePod({ hostname: 'Not_Valid' }), 'cluster.local')).toThrow('pod Hostname "Not_Valid" is not a valid DNS label');
  });
});

describe('portMappings', () => {
  const containers: Container[] = [
    {
      name: 'a',
      ports: [
        { name: 'http', containerPort: 80, hostPort: 8080 },
        { name: 'http', containerPort: 81, hostPort: 8081 },
        { containerPort: 53, hostPort: 5353, protocol: 'UDP', hostIP: '127.0.0.1' },
        { containerPort: 443 },
      ],
    },
    { name: 'b', ports: [{ name: 'http', containerPort: 90, hostPort: 9090 }] },
  ];
  it('publishes host ports only, a duplicate name once per container', () => {
    expect(portMappings(containers)).toEqual([
      { protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' },
      { protocol: 'UDP', container_port: 53, host_port: 5353, host_ip: '127.0.0.1' },
      { protocol: 'TCP', container_port: 90, host_port: 9090, host_ip: '' },
    ]);
  });
});

describe('dottedSysctl', () => {
  const cases = [
    { name: 'dotted unchanged', input: 'net.ipv4.ip_forward', want: 'net.ipv4.ip_forward' },
    { name: 'slashes become dots', input: 'net/ipv4/ip_forward', want: 'net.ipv4.ip_forward' },
    { name: 'dots inside slash form become slashes', input: 'net/ipv4/conf/eno2.100/rp_filter', want: 'net.ipv4.conf.eno2/100.rp_filter' },
    { name: 'no separator', input: 'kernel', want: 'kernel' },
  ];
  it.each(cases)('$name', ({ input, want }) => expect(dottedSysctl(input)).toBe(want));
});
