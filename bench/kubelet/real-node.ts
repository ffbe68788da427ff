// Pod start-up latency on one real node (upstream's pod startup SLI: create → Running and Ready,
// seen through a watch), beside the same sandbox + container sequence issued straight to the
// runtime through CRI in the same run, so the kubelet's overhead shows as a ratio.
//
// One control plane (etcd + the built API server), a private containerd in a temp dir with the
// locally built busybox and pause images, and the built kubelet process against both. No
// scheduler runs: pods carry spec.nodeName. SAFETY: hostNetwork pods only — there is no CNI
// config, so the node reports NotReady ("network plugin not ready", expected) and no pod-network
// sandbox is ever made; every cgroup lives under /k8ts-bench-<pid>.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanupContainerd, CriClient, DEFAULT_SANDBOX_IMAGE, importBaseImages, mountsUnder, startContainerd, type PodSandboxConfig, type Input } from '@k8ts/cri';
import { until } from '@k8ts/testing';
import type { Node } from 'kubernetes-types/core/v1';
import { cpuSeconds, fmt, percentile, row } from '../lib.ts';
import { benchControlPlane, Cleanup, NAMESPACES, NODES, PODS, PodTracker, sleepPod, startKubeletProcess } from './common.ts';

const NODE = 'bench-node';
const NS = 'bench';
const CGROUP_ROOT = `/k8ts-bench-${process.pid}`;
const SIZES = (process.env.BENCH_KUBELET_SIZES ?? '1,10,30').split(',').map(Number).filter((n) => n > 0);
/** Rounds per size: a 1-pod round gives one sample, so small sizes are repeated. */
const ROUNDS = (n: number) => Number(process.env.BENCH_KUBELET_ROUNDS ?? (n === 1 ? 20 : n <= 10 ? 3 : 2));
const PROBE_PODS = Number(process.env.BENCH_KUBELET_PROBE_PODS ?? 10);
const BUSYBOX_REF = 'docker.io/library/busybox:1.36';

interface Figures {
  ready: number[];
  running: number[];
}

const stats = (xs: number[]) => `${fmt(percentile(xs, 50), 0)} / ${fmt(percentile(xs, 99), 0)} ms`;

export const realNode = (): Promise<void> => Cleanup.around(run);

async function run(cleanup: Cleanup): Promise<void> {
  // Short: containerd's socket path must stay under 107 bytes.
  const dir = await mkdtemp(join(tmpdir(), 'k8ts-bk-'));
  cleanup.push('remove the temp dir', async () => {
    const left = mountsUnder(readFileSync('/proc/self/mountinfo', 'utf8'), dir);
    if (left.length > 0) throw new Error(`still mounted, ${dir} kept: ${left.join(', ')}`);
    await rm(dir, { recursive: true, force: true });
  });
  const { cp, client, kubeconfig } = await benchControlPlane(cleanup, dir);

  const nodeDir = join(dir, 'ctrd');
  const containerd = await startContainerd({ nodeDir, sandboxImage: DEFAULT_SANDBOX_IMAGE });
  cleanup.push('stop containerd and remove what it left', async () => {
    await containerd.stop();
    await cleanupContainerd({ nodeDir, cgroupParents: [CGROUP_ROOT] });
  });
  await importBaseImages({ socket: containerd.paths.socket, dir });
  const cri = new CriClient({ endpoint: containerd.endpoint, timeoutMs: 60_000 });
  cleanup.push('remove every sandbox through CRI', async () => {
    for (const s of await cri.listPodSandbox().catch(() => [])) {
      await cri.stopPodSandbox(s.id).catch(() => undefined);
      await cri.removePodSandbox(s.id).catch(() => undefined);
    }
    cri.close();
  });
  const rawLogs = join(dir, 'raw-logs');
  await mkdir(rawLogs, { recursive: true });

  console.log(`\nk8ts kubelet benchmarks: one real node — ${new Date().toISOString()} — containerd ${(await cri.version('v1')).runtime_version}`);
  // Warm containerd up (first snapshot, first shim) so neither side pays it in the figures.
  await rawRound(cri, rawLogs, 1, 'warm', false);

  await client.create(NAMESPACES, { metadata: { name: NS } });
  const kubelet = startKubeletProcess([
    `--kubeconfig=${kubeconfig}`, `--hostname-override=${NODE}`, '--node-ip=127.0.0.1', '--port=0',
    `--root-dir=${join(dir, 'kubelet')}`, `--pod-logs-dir=${join(dir, 'pod-logs')}`,
    `--container-runtime-endpoint=${containerd.endpoint}`, `--cgroup-root=${CGROUP_ROOT}`, '--log-level=warn',
  ], join(dir, 'kubelet.log'));
  cleanup.push('stop the kubelet', () => kubelet.stop());
  const node = await until(async () => {
    if (!kubelet.alive()) throw new Error(`the kubelet exited:\n${kubelet.logTail()}`);
    const n = await client.get<Node>(NODES, NODE).catch(() => undefined);
    return n?.status?.daemonEndpoints?.kubeletEndpoint?.Port ? n : undefined;
  }, 30_000, 'the kubelet to register its Node');
  const readyCondition = node.status?.conditions?.find((c) => c.type === 'Ready');
  console.log(`node ${NODE}: Ready=${readyCondition?.status} (${readyCondition?.message ?? ''}) — expected without CNI; hostNetwork pods run regardless`);

  const tracker = new PodTracker(client, NS);
  cleanup.push('stop the pod watch', () => tracker.stop());
  await tracker.sync();

  const kubeletRound = async (n: number, round: string, execReadiness: boolean): Promise<Figures> => {
    tracker.reset();
    const names = Array.from({ length: n }, (_, i) => `${round}-${i}`);
    const created = new Map<string, number>();
    await Promise.all(names.map(async (name) => {
      created.set(name, performance.now());
      await client.create(PODS, sleepPod(name, NS, NODE, { hostNetwork: true, execReadiness }), { namespace: NS });
    }));
    await tracker.until(() => names.every((x) => tracker.ready.has(x)), 120_000, `${n} pods Ready (round ${round})`).catch((err) => {
      throw new Error(`${(err as Error).message}; kubelet log:\n${kubelet.logTail()}`);
    });
    const figures = {
      ready: names.map((x) => tracker.ready.get(x)! - created.get(x)!),
      running: names.map((x) => (tracker.running.get(x) ?? NaN) - created.get(x)!),
    };
    if (process.env.BENCH_KUBELET_VERBOSE) console.log(`  round ${round}: create → Ready ${figures.ready.map((x) => x.toFixed(0)).join(' ')} ms`);
    // Delete, and wait until the API and the runtime both hold nothing of them.
    await Promise.all(names.map((x) => client.delete(PODS, x, { namespace: NS })));
    await tracker.until(() => tracker.count() === 0, 120_000, `round ${round}'s pods deleted`);
    await until(async () => (await cri.listPodSandbox()).every((s) => s.state !== 'SANDBOX_READY') && (await cri.listContainers()).every((c) => c.state !== 'CONTAINER_RUNNING'), 60_000, 'the runtime to stop the deleted pods');
    return figures;
  };

  const kubeletFigures = new Map<string, Figures>();
  const add = (m: Map<string, Figures>, key: string, f: Figures) => {
    const all = m.get(key) ?? { ready: [], running: [] };
    all.ready.push(...f.ready);
    all.running.push(...f.running);
    m.set(key, all);
  };
  const t0 = performance.now();
  const cpu0 = { kubelet: cpuSeconds(kubelet.pid), containerd: cpuSeconds(containerd.pid) };
  for (const n of SIZES) for (let r = 0; r < ROUNDS(n); r++) add(kubeletFigures, `${n}`, await kubeletRound(n, `k${n}-${r}`, false));
  if (PROBE_PODS > 0) for (let r = 0; r < 2; r++) add(kubeletFigures, 'probe', await kubeletRound(PROBE_PODS, `kp-${r}`, true));
  const kubeletSeconds = (performance.now() - t0) / 1000;
  const cpu = { kubelet: cpuSeconds(kubelet.pid) - cpu0.kubelet, containerd: cpuSeconds(containerd.pid) - cpu0.containerd };
  const podsStarted = [...kubeletFigures.values()].reduce((a, f) => a + f.ready.length, 0);
  const metrics = await fetch(`http://127.0.0.1:${node.status!.daemonEndpoints!.kubeletEndpoint!.Port}/metrics`).then((r) => r.text()).catch(() => '');

  // The raw side runs once the kubelet is gone: its housekeeping would remove sandboxes no pod of its wants.
  await kubelet.stop();
  const rawFigures = new Map<string, number[]>();
  for (const n of SIZES) for (let r = 0; r < ROUNDS(n); r++) rawFigures.set(`${n}`, [...(rawFigures.get(`${n}`) ?? []), ...(await rawRound(cri, rawLogs, n, `r${n}-${r}`, false))]);
  if (PROBE_PODS > 0) for (let r = 0; r < 2; r++) rawFigures.set('probe', [...(rawFigures.get('probe') ?? []), ...(await rawRound(cri, rawLogs, PROBE_PODS, `rp-${r}`, true))]);

  row('figure (p50 / p99)', 'kubelet', 'target', 'kubelet / raw');
  for (const key of [...SIZES.map(String), ...(PROBE_PODS > 0 ? ['probe'] : [])]) {
    const k = kubeletFigures.get(key)!;
    const raw = rawFigures.get(key)!;
    const label = key === 'probe' ? `${PROBE_PODS} pods, exec readiness (${k.ready.length})` : `${key} pod${key === '1' ? '' : 's'} at once (${k.ready.length} samples)`;
    const ratio = (p: number) => fmt(percentile(k.ready, p) / percentile(raw, p), 2);
    row(`${label}: create → Ready`, stats(k.ready), 'p99 ≤ 5 s (SLO); ≤ 1.5× raw', `${ratio(50)}× / ${ratio(99)}×`);
    row('    create → all containers running (watch)', stats(k.running));
    row(`    raw CRI sequence${key === 'probe' ? ' + ExecSync' : ''} (same run)`, stats(raw));
  }
  row('kubelet rounds, wall time (creates, starts, deletes)', `${fmt(kubeletSeconds, 1)} s`, '', `${podsStarted} pods`);
  row('    CPU per pod started + deleted: kubelet / containerd', `${fmt((cpu.kubelet / podsStarted) * 1000, 0)} / ${fmt((cpu.containerd / podsStarted) * 1000, 0)} ms`);
  const hist = histogram(metrics, 'kubelet_pod_start_duration_seconds');
  if (hist) row('kubelet_pod_start_duration_seconds (kubelet sees → running)', `${fmt((hist.sum / hist.count) * 1000, 0)} ms mean`, '', `${hist.count} pods`);
  const sync = histogram(metrics, 'kubelet_pod_worker_duration_seconds', 'operation="sync"');
  if (sync) row('kubelet_pod_worker_duration_seconds{sync}', `${fmt((sync.sum / sync.count) * 1000, 0)} ms mean`, '', `${sync.count} syncs`);
}

/** `n` pods at once straight through CRI: RunPodSandbox (host network), CreateContainer, StartContainer, ContainerStatus = running (+ ExecSync). Removes them after. */
async function rawRound(cri: CriClient, logs: string, n: number, round: string, exec: boolean): Promise<number[]> {
  const results = await Promise.all(Array.from({ length: n }, async (_, i) => {
    const name = `${round}-${i}`;
    const uid = randomUUID();
    const t0 = performance.now();
    const namespaces = { network: 'NODE', pid: 'CONTAINER', ipc: 'POD' } as const;
    const sandbox: Input<PodSandboxConfig> = {
      metadata: { name, namespace: 'raw', uid, attempt: 0 },
      log_directory: join(logs, `raw_${name}_${uid}`),
      labels: { app: 'kubelet-bench-raw' },
      linux: {
        cgroup_parent: `${CGROUP_ROOT}/raw/pod${uid}`,
        security_context: { namespace_options: namespaces, seccomp: { profile_type: 'RuntimeDefault' } },
      },
    };
    const sandboxId = await cri.runPodSandbox(sandbox);
    const id = await cri.createContainer(sandboxId, {
      metadata: { name: 'main', attempt: 0 },
      image: { image: BUSYBOX_REF },
      command: ['sleep', '3600'],
      log_path: 'main/0.log',
      linux: { resources: { cpu_shares: '10' }, security_context: { namespace_options: namespaces, seccomp: { profile_type: 'Unconfined' } } },
    }, sandbox);
    await cri.startContainer(id);
    const state = (await cri.containerStatus(id)).status?.state;
    if (state !== 'CONTAINER_RUNNING') throw new Error(`raw container ${name} is ${state}`);
    if (exec && (await cri.execSync(id, ['true'], 5)).exit_code !== 0) throw new Error(`raw exec in ${name} failed`);
    return { ms: performance.now() - t0, sandboxId };
  }));
  await Promise.all(results.map(async ({ sandboxId }) => {
    await cri.stopPodSandbox(sandboxId);
    await cri.removePodSandbox(sandboxId);
  }));
  return results.map((r) => r.ms);
}

/** Sum and count of a Prometheus histogram (the series matching `labels`). */
function histogram(text: string, name: string, labels = ''): { sum: number; count: number } | undefined {
  const value = (suffix: string) => {
    const line = text.split('\n').find((l) => l.startsWith(`${name}${suffix}`) && l.includes(labels));
    return line ? Number(line.split(' ').at(-1)) : NaN;
  };
  const sum = value('_sum');
  const count = value('_count');
  return count > 0 ? { sum, count } : undefined;
}
