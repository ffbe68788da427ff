// The host decisions without touching the host: a fake Exec records the commands and answers
// with outputs captured from these machines (iptables 1.8.9 nf_tables, iproute2 6.1).
import { describe, expect, it } from 'vitest';
import {
  cleanupIptables,
  ensureBlackholes,
  isolationSpec,
  judgeRoute,
  parseTable,
  planCniCleanup,
  removeBlackholes,
  splitRule,
  within,
  type Exec,
  type ExecResult,
} from './host.ts';

/** Answers each command from a table of (predicate → result); records every call. */
function fakeExec(answers: [(cmd: string) => boolean, Partial<ExecResult>][]): Exec & { calls: string[] } {
  const calls: string[] = [];
  const run = (async (command: string, args: readonly string[]) => {
    const line = [command, ...args].join(' ');
    calls.push(line);
    const hit = answers.find(([match]) => match(line));
    return { code: 0, stdout: '', stderr: '', ...(hit?.[1] ?? {}) };
  }) as Exec & { calls: string[] };
  run.calls = calls;
  return run;
}

// One pod (10.244.250.2, hostPort 39123) on node 250, as the plugins left it.
const FILTER_WITH_POD = `-P INPUT ACCEPT
-P FORWARD ACCEPT
-P OUTPUT ACCEPT
-N CNI-ADMIN
-N CNI-FORWARD
-A FORWARD -m comment --comment "CNI firewall plugin rules" -j CNI-FORWARD
-A CNI-ADMIN -s 10.244.250.0/24 ! -d 10.244.0.0/16 -m comment --comment "k8ts k8ts-node-250: pods stay on this host" -j DROP
-A CNI-FORWARD -m comment --comment "CNI firewall plugin admin overrides" -j CNI-ADMIN
-A CNI-FORWARD -d 10.244.250.2/32 -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A CNI-FORWARD -s 10.244.250.2/32 -j ACCEPT
`;
const NAT_WITH_POD = `-P PREROUTING ACCEPT
-P INPUT ACCEPT
-P OUTPUT ACCEPT
-P POSTROUTING ACCEPT
-N CNI-DN-d201a4db094d97a4a4655
-N CNI-HOSTPORT-DNAT
-N CNI-HOSTPORT-MASQ
-N CNI-HOSTPORT-SETMARK
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A CNI-DN-d201a4db094d97a4a4655 -s 10.244.250.0/24 -p tcp -m tcp --dport 39123 -j CNI-HOSTPORT-SETMARK
-A CNI-DN-d201a4db094d97a4a4655 -s 127.0.0.1/32 -p tcp -m tcp --dport 39123 -j CNI-HOSTPORT-SETMARK
-A CNI-DN-d201a4db094d97a4a4655 -p tcp -m tcp --dport 39123 -j DNAT --to-destination 10.244.250.2:80
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"k8ts\\" id: \\"7b6736540679dc\\"" -m multiport --dports 39123 -j CNI-DN-d201a4db094d97a4a4655
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
`;
// Another cluster's pod (10.244.7.5) with a hostPort: its rules keep the shared chains.
const FILTER_OTHER_POD = `${FILTER_WITH_POD}-A CNI-FORWARD -s 10.244.7.5/32 -j ACCEPT\n`;
const NAT_OTHER_POD = `${NAT_WITH_POD}-N CNI-DN-0ther
-A CNI-DN-0ther -p tcp -m tcp --dport 8080 -j DNAT --to-destination 10.244.7.5:8080
-A CNI-DN-0ther -s 10.244.7.0/24 -p tcp -m tcp --dport 8080 -j CNI-HOSTPORT-SETMARK
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"k8ts\\" id: \\"other\\"" -m multiport --dports 8080 -j CNI-DN-0ther
`;

const ALL_CHAINS = ['filter/CNI-FORWARD', 'filter/CNI-ADMIN', 'nat/CNI-HOSTPORT-DNAT', 'nat/CNI-HOSTPORT-SNAT', 'nat/CNI-HOSTPORT-MASQ', 'nat/CNI-HOSTPORT-SETMARK'];

describe('splitRule', () => {
  it.each([
    { line: '-A X -j ACCEPT', want: ['-A', 'X', '-j', 'ACCEPT'] },
    { line: '-A X -m comment --comment "two words" -j Y', want: ['-A', 'X', '-m', 'comment', '--comment', 'two words', '-j', 'Y'] },
    { line: '-A X --comment "dnat name: \\"k8ts\\" id: \\"ab\\"" -j Y', want: ['-A', 'X', '--comment', 'dnat name: "k8ts" id: "ab"', '-j', 'Y'] },
    { line: '-A X --comment ""', want: ['-A', 'X', '--comment', ''] },
    { line: '-A X ! -d 10.0.0.0/8', want: ['-A', 'X', '!', '-d', '10.0.0.0/8'] },
  ])('$line', ({ line, want }) => expect(splitRule(line)).toEqual(want));
});

describe('within', () => {
  it.each([
    { addr: '10.244.250.2/32', cidr: '10.244.250.0/24', want: true },
    { addr: '10.244.250.2:80', cidr: '10.244.250.0/24', want: true },
    { addr: '10.244.250.0/24', cidr: '10.244.250.0/24', want: true },
    { addr: '10.244.0.0/16', cidr: '10.244.250.0/24', want: false }, // wider than the CIDR
    { addr: '10.244.7.5/32', cidr: '10.244.250.0/24', want: false },
    { addr: '127.0.0.1/32', cidr: '10.244.250.0/24', want: false },
    { addr: 'LOCAL', cidr: '10.244.250.0/24', want: false },
    { addr: '10.96.0.10', cidr: '0.0.0.0/0', want: true },
  ])('$addr in $cidr: $want', ({ addr, cidr, want }) => expect(within(addr, cidr)).toBe(want));
});

describe('judgeRoute', () => {
  const defaults = [{ gateway: '192.0.2.1', dev: 'eth0' }];
  it.each([
    { name: 'unreachable route', get: { code: 2, stdout: '', stderr: 'RTNETLINK answers: No route to host\n' }, safe: true },
    { name: 'blackhole route', get: { code: 2, stdout: '', stderr: 'RTNETLINK answers: Invalid argument\n' }, safe: true },
    { name: 'through the default gateway', get: { code: 0, stdout: '10.244.200.9 via 192.0.2.1 dev eth0 src 192.0.2.2 uid 0 \n    cache \n', stderr: '' }, safe: false },
    { name: 'on the default route\'s link', get: { code: 0, stdout: '10.244.200.9 dev eth0 src 192.0.2.2 uid 0 \n', stderr: '' }, safe: false },
    { name: '`ip` could not run', get: { code: 127, stdout: '', stderr: 'spawn ip ENOENT' }, safe: false },
    { name: 'on our bridge', get: { code: 0, stdout: '10.244.250.2 dev k8ts250 src 10.244.250.1 uid 0 \n    cache \n', stderr: '' }, safe: true },
  ])('$name', ({ get, safe }) => expect(judgeRoute(get, defaults).safe).toBe(safe));
});

describe('ensureBlackholes / removeBlackholes', () => {
  it.each([
    {
      name: 'adds both and reports both as ours',
      answers: [] as [(c: string) => boolean, Partial<ExecResult>][],
      created: ['10.244.0.0/16', '10.96.0.0/16'],
    },
    {
      name: 'an existing unreachable route is fine and not ours',
      answers: [
        [(c: string) => c === 'ip route add unreachable 10.244.0.0/16', { code: 2, stderr: 'RTNETLINK answers: File exists\n' }],
        [(c: string) => c === 'ip route show exact 10.244.0.0/16', { stdout: 'unreachable 10.244.0.0/16 \n' }],
      ] as [(c: string) => boolean, Partial<ExecResult>][],
      created: ['10.96.0.0/16'],
    },
  ])('$name', async ({ answers, created }) => {
    const run = fakeExec(answers);
    expect(await ensureBlackholes(run)).toEqual(created);
  });

  it('refuses a range routed elsewhere, and takes back the route it had just added', async () => {
    const run = fakeExec([
      [(c) => c === 'ip route add unreachable 10.96.0.0/16', { code: 2, stderr: 'RTNETLINK answers: File exists\n' }],
      [(c) => c === 'ip route show exact 10.96.0.0/16', { stdout: '10.96.0.0/16 via 192.0.2.1 dev eth0 \n' }],
    ]);
    await expect(ensureBlackholes(run)).rejects.toThrow(/10\.96\.0\.0\/16 already has a route that is not a blackhole/);
    expect(run.calls).toEqual([
      'ip route add unreachable 10.244.0.0/16',
      'ip route add unreachable 10.96.0.0/16',
      'ip route show exact 10.96.0.0/16',
      'ip route del unreachable 10.244.0.0/16',
    ]);
  });

  it('removes only what it is given; a route already gone is fine', async () => {
    const run = fakeExec([[(c) => c.includes('10.96'), { code: 2, stderr: 'RTNETLINK answers: No such process\n' }]]);
    await removeBlackholes(run, ['10.244.0.0/16', '10.96.0.0/16']);
    expect(run.calls).toEqual(['ip route del unreachable 10.244.0.0/16', 'ip route del unreachable 10.96.0.0/16']);
  });
});

describe('planCniCleanup', () => {
  const D = (...a: string[]) => ['-w', '-t', ...a];
  const podFilter = [
    D('filter', '-D', 'CNI-ADMIN', ...isolationSpec('k8ts-node-250', '10.244.250.0/24')),
    D('filter', '-D', 'CNI-FORWARD', '-d', '10.244.250.2/32', '-m', 'conntrack', '--ctstate', 'RELATED,ESTABLISHED', '-j', 'ACCEPT'),
    D('filter', '-D', 'CNI-FORWARD', '-s', '10.244.250.2/32', '-j', 'ACCEPT'),
  ];
  const podNat = [
    D('nat', '-D', 'CNI-HOSTPORT-DNAT', '-p', 'tcp', '-m', 'comment', '--comment', 'dnat name: "k8ts" id: "7b6736540679dc"', '-m', 'multiport', '--dports', '39123', '-j', 'CNI-DN-d201a4db094d97a4a4655'),
    D('nat', '-F', 'CNI-DN-d201a4db094d97a4a4655'),
    D('nat', '-X', 'CNI-DN-d201a4db094d97a4a4655'),
  ];
  const sharedFilter = [
    D('filter', '-D', 'FORWARD', '-m', 'comment', '--comment', 'CNI firewall plugin rules', '-j', 'CNI-FORWARD'),
    D('filter', '-F', 'CNI-FORWARD'),
    D('filter', '-X', 'CNI-FORWARD'),
    D('filter', '-X', 'CNI-ADMIN'),
  ];
  const sharedNat = [
    D('nat', '-D', 'PREROUTING', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT'),
    D('nat', '-D', 'OUTPUT', '-m', 'addrtype', '--dst-type', 'LOCAL', '-j', 'CNI-HOSTPORT-DNAT'),
    D('nat', '-X', 'CNI-HOSTPORT-DNAT'),
    D('nat', '-D', 'POSTROUTING', '-m', 'comment', '--comment', 'CNI portfwd requiring masquerade', '-j', 'CNI-HOSTPORT-MASQ'),
    D('nat', '-F', 'CNI-HOSTPORT-MASQ'),
    D('nat', '-X', 'CNI-HOSTPORT-MASQ'),
    D('nat', '-F', 'CNI-HOSTPORT-SETMARK'),
    D('nat', '-X', 'CNI-HOSTPORT-SETMARK'),
  ];
  const node = { podCIDRs: ['10.244.250.0/24'], nodes: ['k8ts-node-250'] };

  it.each([
    {
      name: 'a node going while others stay: its pods and isolation rule only',
      filter: FILTER_WITH_POD, nat: NAT_WITH_POD, ...node, removable: [] as string[],
      want: [...podFilter, ...podNat],
    },
    {
      name: 'the last node: everything, jumps before chains',
      filter: FILTER_WITH_POD, nat: NAT_WITH_POD, ...node, removable: ALL_CHAINS,
      want: [...podFilter, ...podNat, ...sharedFilter, ...sharedNat],
    },
    {
      name: 'after CNI DEL already ran: only the scaffolding is left, and goes',
      filter: FILTER_WITH_POD.split('\n').filter((l) => !l.includes('10.244.250.')).join('\n'),
      nat: NAT_WITH_POD.split('\n').filter((l) => !l.includes('CNI-DN-')).join('\n'),
      podCIDRs: [], nodes: [], removable: ALL_CHAINS,
      want: [...sharedFilter, ...sharedNat],
    },
    {
      name: 'chains that were there before k8ts stay',
      filter: FILTER_WITH_POD, nat: NAT_WITH_POD, ...node, removable: ['nat/CNI-HOSTPORT-DNAT'],
      want: [...podFilter, ...podNat, ...sharedNat.slice(0, 3)],
    },
    {
      name: 'another cluster\'s pod keeps every shared chain it uses',
      filter: FILTER_OTHER_POD, nat: NAT_OTHER_POD, ...node, removable: ALL_CHAINS,
      want: [...podFilter, ...podNat],
    },
    {
      name: 'nothing of ours on a clean host',
      filter: '-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n', nat: '-P PREROUTING ACCEPT\n', ...node, removable: ALL_CHAINS,
      want: [],
    },
  ])('$name', ({ filter, nat, podCIDRs, nodes, removable, want }) => {
    expect(planCniCleanup({ filter: parseTable(filter), nat: parseTable(nat), podCIDRs, nodes, removableChains: removable })).toEqual(want);
  });

  it('runs the plan with iptables -w, nf_tables only, and carries on past a failed command', async () => {
    const warnings: string[] = [];
    const run = fakeExec([
      [(c) => c === 'iptables -w -t filter -S', { stdout: FILTER_WITH_POD }],
      [(c) => c === 'iptables -w -t nat -S', { stdout: NAT_WITH_POD }],
      [(c) => c.includes('-D CNI-FORWARD -s 10.244.250.2/32'), { code: 1, stderr: 'iptables: Bad rule (does a matching rule exist in that chain?).\n' }],
    ]);
    const plan = await cleanupIptables({ ...node, removableChains: [] }, run, (w) => warnings.push(w));
    expect(plan).toEqual([...podFilter, ...podNat]);
    expect(run.calls.every((c) => c.startsWith('iptables -w '))).toBe(true);
    expect(run.calls).toHaveLength(2 + plan.length);
    expect(warnings).toEqual([expect.stringMatching(/^iptables -w -t filter -D CNI-FORWARD -s 10\.244\.250\.2\/32 -j ACCEPT: iptables: Bad rule/)]);
  });
});
