// /stats/summary: upstream's Summary (k8s.io/kubelet/pkg/apis/stats/v1alpha1) from the CRI —
// ListPodSandboxStats and ListContainerStats — and the node's own figures from /proc.
// usageNanoCores is a rate: the runtime's when it reports one, otherwise computed from the
// cumulative usage between two calls (absent on the first call for a container).
import type { ContainerStats, CpuUsage, ImageService, MemoryUsage, PodSandbox, PodSandboxStats, RuntimeService } from '@k8ts/cri';
import { readFile, statfs } from 'node:fs/promises';

export interface CPUStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
export interface MemoryStats {
  time: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
}
export interface FsStats { time: string; availableBytes?: number; capacityBytes?: number; usedBytes?: number; inodesFree?: number; inodes?: number; inodesUsed?: number }
export interface ContainerSummary { name: string; startTime: string; cpu?: CPUStats; memory?: MemoryStats; rootfs?: FsStats }
export interface PodSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerSummary[];
  cpu?: CPUStats;
  memory?: MemoryStats;
  process_stats?: { process_count?: number };
}
export interface Summary {
  node: {
    nodeName: string;
    startTime?: string;
    cpu?: CPUStats;
    memory?: MemoryStats;
    fs?: FsStats;
    runtime?: { imageFs?: FsStats };
  };
  pods: PodSummary[];
}

interface Sample { usage: bigint; timeNs: bigint }

/** Rates from cumulative CPU counters, remembered per key between calls. */
export class CpuRates {
  private samples = new Map<string, Sample>();
  private seen = new Set<string>();

  /** usageNanoCores since the last sample of `key`, or undefined on the first. */
  rate(key: string, usage: bigint, timeNs: bigint): number | undefined {
    this.seen.add(key);
    const prev = this.samples.get(key);
    this.samples.set(key, { usage, timeNs });
    if (!prev || timeNs <= prev.timeNs || usage < prev.usage) return undefined;
    return Number(((usage - prev.usage) * 1_000_000_000n) / (timeNs - prev.timeNs));
  }

  /** Forgets keys not sampled since the last sweep (gone containers). */
  sweep(): void {
    for (const k of this.samples.keys()) if (!this.seen.has(k)) this.samples.delete(k);
    this.seen.clear();
  }
}

const num = (v: { value: string } | null | undefined): number | undefined => (v ? Number(v.value) : undefined);
const nsToIso = (ns: string | bigint): string => new Date(Number(BigInt(ns || '0') / 1_000_000n)).toISOString().replace('.000Z', 'Z');

function cpuStats(key: string, cpu: CpuUsage | null | undefined, rates: CpuRates): CPUStats | undefined {
  if (!cpu) return undefined;
  const usage = cpu.usage_core_nano_seconds ? BigInt(cpu.usage_core_nano_seconds.value) : undefined;
  const out: CPUStats = { time: nsToIso(cpu.timestamp) };
  const fromRuntime = num(cpu.usage_nano_cores);
  const computed = usage !== undefined ? rates.rate(key, usage, BigInt(cpu.timestamp || '0')) : undefined;
  const nanoCores = fromRuntime ? fromRuntime : computed;
  if (nanoCores !== undefined) out.usageNanoCores = nanoCores;
  if (usage !== undefined) out.usageCoreNanoSeconds = Number(usage);
  return out;
}

function memoryStats(m: MemoryUsage | null | undefined): MemoryStats | undefined {
  if (!m) return undefined;
  const out: MemoryStats = { time: nsToIso(m.timestamp) };
  const set = (k: keyof Omit<MemoryStats, 'time'>, v: { value: string } | null | undefined) => {
    const n = num(v);
    if (n !== undefined) out[k] = n;
  };
  set('availableBytes', m.available_bytes);
  set('usageBytes', m.usage_bytes);
  set('workingSetBytes', m.working_set_bytes);
  set('rssBytes', m.rss_bytes);
  set('pageFaults', m.page_faults);
  set('majorPageFaults', m.major_page_faults);
  return out;
}

// ---- the node, from /proc ----

const USER_HZ = 100n; // the kernel's clock ticks per second as /proc/stat reports them (CLK_TCK)

export interface HostReadings {
  /** cumulative non-idle CPU time, ns */
  cpuUsageNs: bigint;
  bootTime: Date;
  meminfo: Record<string, number>;
  vmstat: Record<string, number>;
}

export async function readHost(proc = '/proc'): Promise<HostReadings> {
  const stat = await readFile(`${proc}/stat`, 'utf8');
  const cpu = stat.split('\n').find((l) => l.startsWith('cpu '))!.trim().split(/\s+/).slice(1).map((x) => BigInt(x));
  // user nice system idle iowait irq softirq steal (guest time is already in user)
  const busy = (cpu[0] ?? 0n) + (cpu[1] ?? 0n) + (cpu[2] ?? 0n) + (cpu[5] ?? 0n) + (cpu[6] ?? 0n) + (cpu[7] ?? 0n);
  const btime = Number(stat.match(/^btime (\d+)/m)?.[1] ?? 0);
  const kv = (text: string, scale: (k: string) => number) => Object.fromEntries(
    text.split('\n').filter(Boolean).map((l) => {
      const [k, v] = l.split(/:?\s+/);
      return [k!, Number(v) * scale(l)];
    }),
  );
  const meminfo = kv(await readFile(`${proc}/meminfo`, 'utf8'), (l) => (l.endsWith(' kB') ? 1024 : 1));
  const vmstat = kv(await readFile(`${proc}/vmstat`, 'utf8').catch(() => ''), () => 1);
  return { cpuUsageNs: busy * (1_000_000_000n / USER_HZ), bootTime: new Date(btime * 1000), meminfo, vmstat };
}

export function nodeMemory(h: HostReadings, time: string): MemoryStats {
  const total = h.meminfo.MemTotal ?? 0;
  const usage = total - (h.meminfo.MemFree ?? 0);
  const workingSet = Math.max(0, usage - (h.meminfo['Inactive(file)'] ?? 0));
  const m: MemoryStats = { time, availableBytes: Math.max(0, total - workingSet), usageBytes: usage, workingSetBytes: workingSet };
  if (h.meminfo.AnonPages !== undefined) m.rssBytes = h.meminfo.AnonPages;
  if (h.vmstat.pgfault !== undefined) m.pageFaults = h.vmstat.pgfault;
  if (h.vmstat.pgmajfault !== undefined) m.majorPageFaults = h.vmstat.pgmajfault;
  return m;
}

async function fsStats(path: string, time: string, usedBytes?: number): Promise<FsStats | undefined> {
  try {
    const s = await statfs(path);
    const capacity = s.blocks * s.bsize;
    const available = s.bavail * s.bsize;
    return {
      time, availableBytes: available, capacityBytes: capacity,
      usedBytes: usedBytes ?? capacity - s.bfree * s.bsize,
      inodesFree: s.ffree, inodes: s.files, inodesUsed: s.files - s.ffree,
    };
  } catch {
    return usedBytes === undefined ? undefined : { time, usedBytes };
  }
}

export interface SummaryDeps {
  nodeName: string;
  runtime: RuntimeService;
  images: ImageService;
  rates: CpuRates;
  readHost?: () => Promise<HostReadings>;
  now?: () => Date;
}

export async function summarize(d: SummaryDeps, onlyCpuAndMemory = false): Promise<Summary> {
  const now = (d.now ?? (() => new Date()))();
  const time = now.toISOString();
  const host = await (d.readHost ?? readHost)();
  const node: Summary['node'] = {
    nodeName: d.nodeName,
    startTime: host.bootTime.toISOString().replace('.000Z', 'Z'),
    cpu: { time, usageCoreNanoSeconds: Number(host.cpuUsageNs) },
    memory: nodeMemory(host, time),
  };
  const nodeRate = d.rates.rate('node', host.cpuUsageNs, BigInt(now.getTime()) * 1_000_000n);
  if (nodeRate !== undefined) node.cpu!.usageNanoCores = nodeRate;
  if (!onlyCpuAndMemory) {
    const rootFs = await fsStats('/', time);
    if (rootFs) node.fs = rootFs;
    const imageFs = await d.images.imageFsInfo().catch(() => undefined);
    const first = imageFs?.image_filesystems[0];
    if (first) {
      const fs = await fsStats(first.fs_id?.mountpoint ?? '/', nsToIso(first.timestamp), num(first.used_bytes));
      if (fs) node.runtime = { imageFs: fs };
    }
  }

  const [sandboxes, containers, containerStats] = await Promise.all([
    d.runtime.listPodSandbox({ state: { state: 'SANDBOX_READY' } }),
    d.runtime.listContainers({ state: { state: 'CONTAINER_RUNNING' } }),
    d.runtime.listContainerStats({}),
  ]);
  const sandboxStats = await d.runtime.listPodSandboxStats({}).catch(() => [] as PodSandboxStats[]);
  const bySandbox = new Map(sandboxStats.map((s) => [s.attributes?.id ?? '', s]));
  const containerInfo = new Map(containers.map((c) => [c.id, c]));
  const statsOf = new Map<string, ContainerStats[]>();
  for (const s of containerStats) {
    const c = containerInfo.get(s.attributes?.id ?? '');
    if (!c) continue;
    statsOf.set(c.pod_sandbox_id, [...(statsOf.get(c.pod_sandbox_id) ?? []), s]);
  }

  const pods = newestPerPod(sandboxes).map((sb): PodSummary => {
    const meta = sb.metadata;
    const cs = statsOf.get(sb.id) ?? [];
    const pod: PodSummary = {
      podRef: { name: meta?.name ?? '', namespace: meta?.namespace ?? '', uid: meta?.uid ?? '' },
      startTime: nsToIso(sb.created_at),
      containers: cs.map((s) => {
        const id = s.attributes?.id ?? '';
        const c: ContainerSummary = { name: s.attributes?.metadata?.name ?? '', startTime: nsToIso(containerInfo.get(id)?.created_at ?? '0') };
        const cpu = cpuStats(`c/${id}`, s.cpu, d.rates);
        const memory = memoryStats(s.memory);
        if (cpu) c.cpu = cpu;
        if (memory) c.memory = memory;
        if (!onlyCpuAndMemory && s.writable_layer?.used_bytes) c.rootfs = { time: nsToIso(s.writable_layer.timestamp), usedBytes: Number(s.writable_layer.used_bytes.value) };
        return c;
      }),
    };
    const ss = bySandbox.get(sb.id)?.linux;
    const cpu = ss?.cpu ? cpuStats(`p/${sb.id}`, ss.cpu, d.rates) : sumCpu(pod.containers, time);
    const memory = ss?.memory ? memoryStats(ss.memory) : sumMemory(pod.containers, time);
    if (cpu) pod.cpu = cpu;
    if (memory) pod.memory = memory;
    const count = num(ss?.process?.process_count);
    if (count !== undefined && !onlyCpuAndMemory) pod.process_stats = { process_count: count };
    return pod;
  });
  d.rates.sweep();
  return { node, pods };
}

/** One sandbox per pod uid: the newest ready one (a pod restarted its sandbox). */
function newestPerPod(sandboxes: PodSandbox[]): PodSandbox[] {
  const byUid = new Map<string, PodSandbox>();
  for (const s of sandboxes) {
    const uid = s.metadata?.uid ?? s.id;
    const have = byUid.get(uid);
    if (!have || BigInt(s.created_at || '0') > BigInt(have.created_at || '0')) byUid.set(uid, s);
  }
  return [...byUid.values()];
}

function sumCpu(cs: ContainerSummary[], time: string): CPUStats | undefined {
  if (!cs.some((c) => c.cpu)) return undefined;
  const out: CPUStats = { time, usageCoreNanoSeconds: 0 };
  let rate: number | undefined = 0;
  for (const c of cs) {
    out.usageCoreNanoSeconds! += c.cpu?.usageCoreNanoSeconds ?? 0;
    rate = rate !== undefined && c.cpu?.usageNanoCores !== undefined ? rate + c.cpu.usageNanoCores : undefined;
  }
  if (rate !== undefined) out.usageNanoCores = rate;
  return out;
}

function sumMemory(cs: ContainerSummary[], time: string): MemoryStats | undefined {
  if (!cs.some((c) => c.memory)) return undefined;
  const out: MemoryStats = { time, usageBytes: 0, workingSetBytes: 0 };
  for (const c of cs) {
    out.usageBytes! += c.memory?.usageBytes ?? 0;
    out.workingSetBytes! += c.memory?.workingSetBytes ?? 0;
  }
  return out;
}
