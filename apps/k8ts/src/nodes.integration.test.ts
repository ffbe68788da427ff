// Integration (root, Linux): real containerd, runc and CNI plugins, real routes and iptables.
// Proves that a node's tear-down leaves nothing behind: no containerd or shim of ours, no bridge,
// no CNI rules or chains of ours, no mounts, cgroups, netns files or routes we added.
//
// Safety: the blackhole routes are in place (and `ip route get` is checked) before any sandbox
// gets a pod address; no packet is ever sent to a pod or service address. The nodes use indices
// 250-252 (10.244.250-252.0/24, bridges k8ts250-252), which `k8ts up` never uses, so a cluster
// running beside the test is not touched. Both scenarios live in this one file so that they run
// one after the other: they share the host's routes and CNI chains.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CriClient, mountsUnder, pidAlive, shimsOf, type Input, type PodSandboxConfig } from '@k8ts/cri';
import { freePort } from '@k8ts/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLAIM_DIR, claimedIndices } from './claims.ts';
import type { ComponentSpec } from './components.ts';
import { down } from './down.ts';
import { CNI_CHAINS, linkExists, listTable, presentCniChains, readIpForward, routeVerdict, within, type Table } from './host.ts';
import { buildImages, nodeLayout, prepareHost, startNodeRuntime, teardownHost, teardownNode, type NodeLayout, type NodeRuntime } from './nodes.ts';
import { readState, statePaths, type HostRecord } from './state.ts';
import { status } from './status.ts';
import { up } from './up.ts';

const root = process.getuid?.() === 0 && process.platform === 'linux' && existsSync('/usr/bin/containerd') && existsSync('/usr/lib/cni/bridge');
const sh = (cmd: string, ...args: string[]) => execFileSync(cmd, args, { encoding: 'utf8' });

/** Another cluster's nodes on this host (claims or node bridges), which keep the shared blackhole routes. */
async function othersRunning(): Promise<boolean> {
  return (await claimedIndices()).length > 0 || sh('ip', '-o', 'link', 'show').split('\n').some((l) => /^\d+: k8ts\d+[:@]/.test(l));
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface HostBefore {
  chains: string[];
  ipForward: string;
}
const snapshot = async (): Promise<HostBefore> => ({ chains: await presentCniChains(), ipForward: await readIpForward() });

/** A pod in the pod network (with a hostPort, so portmap writes its rules) and one container. */
async function runPod(l: NodeLayout, cri: CriClient, hostPort: number) {
  // Before the sandbox exists, its future address must already be unable to leave the host.
  const probe = `10.244.${l.index}.2`;
  expect((await routeVerdict(probe)).safe).toBe(true);
  const config: Input<PodSandboxConfig> = {
    metadata: { name: 'web', uid: `uid-${l.name}`, namespace: 'default', attempt: 0 },
    hostname: 'web',
    log_directory: join(l.podLogsDir, 'default_web'),
    port_mappings: [{ protocol: 'TCP', container_port: 80, host_port: hostPort, host_ip: '' }],
    linux: {
      cgroup_parent: `${l.cgroupRoot}/kubepods/pod-uid-${l.name}`,
      security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } },
    },
  };
  const sandbox = await cri.runPodSandbox(config);
  const ip = (await cri.podSandboxStatus(sandbox)).status?.network?.ip ?? '';
  expect(within(ip, l.podCIDR)).toBe(true);
  const verdict = await routeVerdict(ip);
  expect(verdict).toEqual({ safe: true, detail: expect.stringContaining(`dev ${l.bridge} `) });
  const container = await cri.createContainer(sandbox, {
    metadata: { name: 'main', attempt: 0 },
    image: { image: 'docker.io/library/busybox:latest' },
    command: ['sleep', '3600'],
    log_path: 'main/0.log',
  }, config);
  await cri.startContainer(container);
  expect((await cri.containerStatus(container)).status?.state).toBe('CONTAINER_RUNNING');
  const tasks = join(l.containerd.state, 'io.containerd.runtime.v2.task', 'k8s.io');
  const initPid = Number(await readFile(join(tasks, container, 'init.pid'), 'utf8'));
  const netns = (await readdir(join(l.containerd.state, 'io.containerd.grpc.v1.cri', 'netns')).catch(() => [])).map((n) => join(l.containerd.state, 'io.containerd.grpc.v1.cri', 'netns', n));
  expect(netns.length).toBe(1);
  return { sandbox, container, ip, initPid, netns };
}

const rulesMentioning = (t: Table, prefix: string) => t.rules.filter((r) => r.spec.some((a) => a.startsWith(prefix)) || r.spec.some((a) => a.includes(prefix)));

/** Everything the brief lists as "left behind", for one node. */
async function expectGone(l: NodeLayout, seen: { containerdPid: number; shims: number[]; initPids: number[]; ids: string[]; netns: string[] }, host: HostRecord, before: HostBefore) {
  await sleep(100); // let SIGKILLed processes be reaped
  expect(pidAlive(seen.containerdPid)).toBe(false);
  expect(seen.shims.filter(pidAlive)).toEqual([]);
  expect(seen.initPids.filter(pidAlive)).toEqual([]);
  expect(await shimsOf(l.containerd.socket)).toEqual([]);
  expect(await linkExists(l.bridge)).toBe(false);
  const filter = await listTable('filter');
  const nat = await listTable('nat');
  const net = `10.244.${l.index}.`;
  expect([...rulesMentioning(filter, net), ...rulesMentioning(nat, net)]).toEqual([]);
  expect(filter.rules.filter((r) => r.spec.some((a) => a.includes(l.name)))).toEqual([]);
  // Chains absent before must be absent now — unless someone else's pod (not ours) uses them.
  const now = await presentCniChains();
  for (const c of CNI_CHAINS.filter((c) => !before.chains.includes(c) && now.includes(c))) {
    const [table, chain] = c.split('/') as ['filter' | 'nat', string];
    const rules = (table === 'filter' ? filter : nat).rules.filter((r) => r.chain === chain);
    expect([c, rules.length]).not.toEqual([c, 0]);
  }
  expect(mountsUnder(await readFile('/proc/self/mountinfo', 'utf8'), l.dir)).toEqual([]);
  expect(existsSync(l.dir)).toBe(false);
  for (const n of seen.netns) expect(existsSync(n)).toBe(false);
  for (const ctrl of await readdir('/sys/fs/cgroup')) {
    expect(existsSync(join('/sys/fs/cgroup', ctrl, l.cgroupRoot))).toBe(false);
    for (const id of seen.ids) expect(existsSync(join('/sys/fs/cgroup', ctrl, 'k8s.io', id))).toBe(false);
  }
  for (const id of seen.ids) expect(existsSync(`/run/containerd/runc/k8s.io/${id}`)).toBe(false);
  // The routes are shared with any other cluster running meanwhile (an e2e run, say): the last one out removes them.
  if (!(await othersRunning())) for (const cidr of host.blackholes) expect(sh('ip', 'route', 'show', 'exact', cidr)).toBe('');
  expect(sh('ip', 'route', 'show').split('\n').filter((line) => line.includes(net))).toEqual([]);
  if (before.ipForward === '0' && !(await presentOtherBridges())) expect(await readIpForward()).toBe('0');
}

const presentOtherBridges = async () => /^\d+: (k8ts\d+|cni\d+|docker\d+|br-)/m.test(sh('ip', '-o', 'link', 'show'));

describe.runIf(root)('a node\'s runtime and its tear-down', () => {
  let dir: string;
  let layout: NodeLayout;
  let host: HostRecord | undefined;
  let before: HostBefore;
  let runtime: NodeRuntime | undefined;
  let cri: CriClient | undefined;
  let tornDown = false;
  const out: string[] = [];

  beforeAll(async () => {
    dir = await mkdtemp('/tmp/k8ts-node-it-');
    layout = nodeLayout(join(dir, 'nodes'), 250);
    before = await snapshot();
    host = await prepareHost();
    const images = await buildImages(join(dir, 'images'));
    runtime = await startNodeRuntime({ layout, images, log: join(dir, 'containerd.log') });
    cri = new CriClient({ endpoint: runtime.endpoint, timeoutMs: 30_000 });
  });

  afterAll(async () => {
    cri?.close();
    // Whatever happened above, leave the host as it was.
    if (!tornDown && layout) {
      await teardownNode({ layout, ...(runtime ? { containerd: runtime } : {}), log: join(dir, 'containerd.log'), out: (l) => out.push(l) }).catch((e: Error) => console.error(e));
      if (host) await teardownHost(host, { out: (l) => out.push(l), podCIDRs: [layout.podCIDR] }).catch((e: Error) => console.error(e));
    }
    if (out.length) console.log(out.join('\n'));
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('has the blackhole routes before any pod, and containerd with our images behind CRI', async () => {
    for (const ip of ['10.244.200.9', '10.244.250.9', '10.96.200.9']) expect((await routeVerdict(ip)).safe).toBe(true);
    const tags = (await cri!.listImages()).flatMap((i) => i.repo_tags);
    expect(tags).toEqual(expect.arrayContaining(['docker.io/library/busybox:latest', 'registry.k8s.io/pause:3.10']));
    expect(JSON.parse(await readFile(layout.conflist, 'utf8')).plugins[0]).toMatchObject({ bridge: 'k8ts250', ipMasq: false });
    const admin = (await listTable('filter')).rules.filter((r) => r.chain === 'CNI-ADMIN' && r.spec.includes('k8ts k8ts-node-250: pods stay on this host'));
    expect(admin.map((r) => r.spec.slice(0, 5))).toEqual([['-s', '10.244.250.0/24', '!', '-d', '10.244.0.0/16']]);
  });

  it('runs a pod in the pod network, then tear-down leaves nothing behind', async () => {
    const pod = await runPod(layout, cri!, await freePort());
    expect(await linkExists('k8ts250')).toBe(true);
    const filter = await listTable('filter');
    const nat = await listTable('nat');
    expect(rulesMentioning(filter, pod.ip).length).toBeGreaterThan(0); // the firewall plugin's
    expect(rulesMentioning(nat, `${pod.ip}:`).length).toBe(1); // portmap's DNAT
    expect(sh('ls', join(layout.ipamDir, 'k8ts'))).toContain(pod.ip);
    const seen = { containerdPid: runtime!.pid, shims: await shimsOf(layout.containerd.socket), initPids: [pod.initPid], ids: [pod.sandbox, pod.container], netns: pod.netns };
    expect(seen.shims.length).toBe(1);
    cri!.close();
    cri = undefined;

    const report = await teardownNode({ layout, containerd: runtime!, log: join(dir, 'containerd.log'), out: (l) => out.push(l) });
    await teardownHost(host!, { out: (l) => out.push(l), podCIDRs: [layout.podCIDR] });
    tornDown = true;
    expect(report).toMatchObject({ sandboxes: [pod.sandbox], restartedContainerd: false, bridgeDeleted: true });
    await expectGone(layout, seen, host!, before);
    expect(out).toEqual([]);
  });
});

/** A stand-in kubelet: serves /healthz on --port like the real one; nothing else. */
const FAKE_KUBELET = `
import { createServer } from 'node:http';
const port = Number(process.argv.find((a) => a.startsWith('--port='))?.slice(7));
createServer((q, s) => s.end('ok')).listen(port, '127.0.0.1');
`;
/** A stand-in API server: ready, and every Node asked for is Ready. */
const FAKE_APISERVER = `require('http').createServer((q, s) => {
  if (q.url.startsWith('/api/v1/nodes/')) return s.end(JSON.stringify({ status: { conditions: [{ type: 'Ready', status: 'True' }] } }));
  s.end('ok');
}).listen(+process.argv[1], '127.0.0.1')`;

describe.runIf(root)('k8ts up --nodes 2 / down, after a crash of every process', () => {
  let dir: string;
  let stateDir: string;
  let before: HostBefore;
  const lines: string[] = [];
  const out = (l: string) => lines.push(l);

  beforeAll(async () => {
    dir = await mkdtemp('/tmp/k8ts-up-it-');
    stateDir = join(dir, 'st');
    before = await snapshot();
  });
  afterAll(async () => {
    await down(stateDir, { out });
    console.log(lines.join('\n'));
    await rm(dir, { recursive: true, force: true });
  });

  it('starts two nodes after the control plane, shows them in status, and down removes everything even with all processes dead', async () => {
    const bundle = join(dir, 'fake-kubelet.mjs');
    await writeFile(bundle, FAKE_KUBELET);
    const apiserverPort = await freePort();
    const apiserver: ComponentSpec = {
      name: 'apiserver', command: process.execPath, args: ['-e', FAKE_APISERVER, String(apiserverPort)],
      ports: [apiserverPort], health: `http://127.0.0.1:${apiserverPort}/readyz`, readyTimeoutMs: 10_000,
    };
    const options = { stateDir, etcdPort: 1, etcdPeerPort: 2, apiserverPort, schedulerPort: 3, controllerManagerPort: 4, kubeconfig: join(dir, 'kubeconfig'), nodes: 2 };
    const code = await up(options, { repoRoot: dir, out, components: () => [apiserver], nodes: { firstIndex: 251, kubeletBundle: bundle, readyTimeoutMs: 10_000 } });
    expect([code, lines.filter((l) => l.startsWith('✗'))]).toEqual([0, []]);
    expect(lines.filter((l) => /^[•✓]/.test(l)).map((l) => l.replace(/ \([\d.]+s\)$/, ''))).toEqual([
      '• starting apiserver', '✓ apiserver ready',
      '• adding blackhole routes for 10.244.0.0/16 and 10.96.0.0/16', '✓ blackhole routes for 10.244.0.0/16 and 10.96.0.0/16 in place',
      '• building busybox and pause images', '✓ busybox and pause images built',
      '• starting containerd of k8ts-node-251', '✓ containerd of k8ts-node-251 ready',
      '• starting kubelet of k8ts-node-251', '✓ kubelet of k8ts-node-251 ready',
      '• starting containerd of k8ts-node-252', '✓ containerd of k8ts-node-252 ready',
      '• starting kubelet of k8ts-node-252', '✓ kubelet of k8ts-node-252 ready',
      '• waiting for node k8ts-node-251', '• waiting for node k8ts-node-252',
      expect.stringMatching(/^✓ node k8ts-node-25[12] Ready$/), expect.stringMatching(/^✓ node k8ts-node-25[12] Ready$/),
    ]);
    const state = (await readState(statePaths(stateDir)))!;
    expect(state.nodes!.map((n) => n.name)).toEqual(['k8ts-node-251', 'k8ts-node-252']);
    for (const i of [251, 252]) expect((await readFile(join(CLAIM_DIR, String(i)), 'utf8')).trim()).toBe(stateDir);
    const kubeletArgs = (await readFile(`/proc/${state.nodes![0]!.kubelet!.pid}/cmdline`, 'utf8')).split('\0');
    expect(kubeletArgs).toEqual(expect.arrayContaining(['--hostname-override=k8ts-node-251', '--pod-cidr=10.244.251.0/24', `--container-runtime-endpoint=unix://${join(stateDir, 'nodes/k8ts-node-251/containerd.sock')}`]));

    const statusLines: string[] = [];
    expect(await status(stateDir, { out: (l) => statusLines.push(l) })).toBe(0);
    expect(statusLines.slice(1, 6).map((l) => l.split(/\s+/).filter((_, i) => i !== 1))).toEqual([
      ['apiserver', 'yes', String(apiserverPort), 'ok'],
      ['k8ts-node-251/containerd', 'yes', '-', 'ok'],
      ['k8ts-node-251/kubelet', 'yes', String(state.nodes![0]!.kubelet!.port), 'ok'],
      ['k8ts-node-252/containerd', 'yes', '-', 'ok'],
      ['k8ts-node-252/kubelet', 'yes', String(state.nodes![1]!.kubelet!.port), 'ok'],
    ]);

    // A pod on node 251, as its kubelet would run it; then every process dies at once.
    const layout = nodeLayout(statePaths(stateDir).nodes, 251);
    const cri = new CriClient({ endpoint: `unix://${layout.containerd.socket}`, timeoutMs: 30_000 });
    const pod = await runPod(layout, cri, await freePort());
    const seen = { containerdPid: state.nodes![0]!.containerd.pid, shims: await shimsOf(layout.containerd.socket), initPids: [pod.initPid], ids: [pod.sandbox, pod.container], netns: pod.netns };
    cri.close();
    const pids = [...state.components.map((c) => c.pid), ...state.nodes!.flatMap((n) => [n.containerd.pid, n.kubelet!.pid])];
    for (const pid of pids) process.kill(-pid, 'SIGKILL');
    await sleep(200);
    expect(pids.filter(pidAlive)).toEqual([]);
    expect(pidAlive(pod.initPid)).toBe(true); // the pod outlives its containerd

    lines.length = 0;
    expect(await down(stateDir, { out })).toBe(0);
    expect(lines.filter((l) => l.startsWith('!') || l.startsWith('✗'))).toEqual([]);
    expect(lines).toEqual(expect.arrayContaining([
      expect.stringMatching(/^✓ node k8ts-node-251 removed \([\d.]+s, 1 pod sandbox removed\)$/),
      expect.stringMatching(/^✓ node k8ts-node-252 removed \([\d.]+s\)$/),
    ]));
    await expectGone(layout, seen, state.host!, before);
    for (const i of [251, 252]) expect(existsSync(join(CLAIM_DIR, String(i)))).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    expect(existsSync(options.kubeconfig)).toBe(false);

    lines.length = 0;
    expect(await down(stateDir, { out })).toBe(0); // again: nothing to do
    expect(lines).toEqual([`k8ts is not running (no state in ${stateDir})`]);
  });

  it('a kubelet that cannot start fails up with its log, and up takes back everything it did', async () => {
    const bundle = join(dir, 'crashing-kubelet.mjs');
    await writeFile(bundle, "console.error('boom: the kubelet cannot start'); process.exit(1);\n");
    const apiserverPort = await freePort();
    const apiserver: ComponentSpec = {
      name: 'apiserver', command: process.execPath, args: ['-e', FAKE_APISERVER, String(apiserverPort)],
      ports: [apiserverPort], health: `http://127.0.0.1:${apiserverPort}/readyz`, readyTimeoutMs: 10_000,
    };
    const options = { stateDir, etcdPort: 1, etcdPeerPort: 2, apiserverPort, schedulerPort: 3, controllerManagerPort: 4, kubeconfig: join(dir, 'kubeconfig'), nodes: 1 };
    const blackholes = () => sh('ip', 'route', 'show').split('\n').filter((l) => /^unreachable 10\.(244|96)\.0\.0\/16/.test(l));
    const routesBefore = blackholes();
    lines.length = 0;
    let containerdPid = 0;
    const watch = (l: string) => {
      out(l);
      if (l.startsWith('✓ containerd of')) void readState(statePaths(stateDir)).then((s) => (containerdPid = s!.nodes![0]!.containerd.pid));
    };
    expect(await up(options, { repoRoot: dir, out: watch, components: () => [apiserver], nodes: { firstIndex: 253, kubeletBundle: bundle } })).toBe(1);
    expect(lines.find((l) => l.startsWith('✗'))).toMatch(/^✗ kubelet of k8ts-node-253 failed after [\d.]+s: exited \(code 1\) before becoming ready$/);
    expect(lines).toContain(`--- last lines of ${statePaths(stateDir).log('kubelet-k8ts-node-253')}`);
    expect(lines).toContain('  boom: the kubelet cannot start');
    expect(lines).toEqual(expect.arrayContaining([expect.stringMatching(/^✓ node k8ts-node-253 removed /), expect.stringMatching(/^✓ apiserver stopped /)]));
    expect(containerdPid).toBeGreaterThan(0);
    expect(pidAlive(containerdPid)).toBe(false);
    const filter = await listTable('filter');
    expect(filter.rules.filter((r) => r.spec.some((a) => a.includes('k8ts-node-253') || a.startsWith('10.244.253.')))).toEqual([]);
    expect(existsSync(join(stateDir, 'nodes'))).toBe(false);
    expect(existsSync(join(CLAIM_DIR, '253'))).toBe(false);
    expect(existsSync(statePaths(stateDir).stateFile)).toBe(false);
    expect(existsSync(options.kubeconfig)).toBe(false);
    if (!(await othersRunning())) expect(blackholes()).toEqual(routesBefore); // the routes it added are gone again
  });
});
