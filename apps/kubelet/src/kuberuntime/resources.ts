// Requests and limits → CRI LinuxContainerResources (upstream kuberuntime_container_linux.go
// calculateLinuxResources, cm/helpers_linux.go). oom_score_adj is deliberately left "0" (unset):
// root on these machines lacks CAP_SYS_RESOURCE and containerd runs with restrict_oom_score_adj
// (RUNTIME.md), so the per-QoS score upstream computes could never be applied.
import { parseQuantity, quantityMilli } from '@k8ts/api';
import type { LinuxContainerResources } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';

/** Kernel bounds for cpu.shares, and the CFS numbers (microseconds). */
export const MIN_SHARES = 2;
export const MAX_SHARES = 262144;
export const SHARES_PER_CPU = 1024;
export const QUOTA_PERIOD = 100000;
export const MIN_QUOTA_PERIOD = 1000;

type ResourceList = Readonly<Record<string, string | number>>;

/** cpu.shares for a request in millicores: proportional, 0 → the kernel minimum 2. */
export function milliCPUToShares(milliCPU: number): number {
  if (milliCPU === 0) return MIN_SHARES;
  const shares = Math.trunc((milliCPU * SHARES_PER_CPU) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/** CFS quota for a limit in millicores over `period`; 0 (no limit) stays 0, else at least 1 ms. */
export function milliCPUToQuota(milliCPU: number, period: number): number {
  if (milliCPU === 0) return 0;
  return Math.max(MIN_QUOTA_PERIOD, Math.trunc((milliCPU * period) / 1000));
}

const milli = (q: string | number | undefined): number => (q === undefined ? 0 : (quantityMilli(q) ?? 0));
const bytes = (q: string | number | undefined): number => (q === undefined ? 0 : Math.ceil(parseQuantity(q) ?? 0));

export interface CpuQuotaOptions {
  /** Enforce cpu limits with CFS quota (upstream --cpu-cfs-quota, default true). */
  cfsQuota?: boolean;
  /** cpu.cfs_period_us; default 100000. */
  period?: number;
}

/**
 * Shares come from the cpu request, or from the limit when only a limit is set (upstream repeats
 * the apiserver's request-defaults-to-limit rule for old pods); quota and period from the limit;
 * memory_limit_in_bytes from the memory limit (0 = none).
 */
export function linuxResources(
  requests: ResourceList | undefined,
  limits: ResourceList | undefined,
  options: CpuQuotaOptions = {},
): LinuxContainerResources {
  const cpuLimit = milli(limits?.cpu);
  const hasCpuRequest = requests?.cpu !== undefined;
  const shares = !hasCpuRequest && cpuLimit !== 0 ? milliCPUToShares(cpuLimit) : milliCPUToShares(milli(requests?.cpu));
  const period = options.period ?? QUOTA_PERIOD;
  const cfs = options.cfsQuota ?? true;
  return {
    cpu_period: cfs ? String(period) : '0',
    cpu_quota: cfs ? String(milliCPUToQuota(cpuLimit, period)) : '0',
    cpu_shares: String(shares),
    memory_limit_in_bytes: String(bytes(limits?.memory)),
    oom_score_adj: '0',
    cpuset_cpus: '',
    cpuset_mems: '',
    unified: {},
    memory_swap_limit_in_bytes: '0',
  };
}

export function containerResources(container: Container, options?: CpuQuotaOptions): LinuxContainerResources {
  return linuxResources(container.resources?.requests, container.resources?.limits, options);
}

/**
 * The pod's effective requests or limits (upstream resourcehelper.PodRequests/PodLimits without
 * overhead): the sum over regular containers, raised per resource to the largest init container,
 * since init containers run one at a time before the others.
 */
export function podResourceList(pod: Pod, which: 'requests' | 'limits'): Record<string, number> {
  const sum: Record<string, number> = {};
  for (const c of pod.spec?.containers ?? []) {
    for (const [name, q] of Object.entries(c.resources?.[which] ?? {})) sum[name] = (sum[name] ?? 0) + amount(name, q);
  }
  for (const c of pod.spec?.initContainers ?? []) {
    for (const [name, q] of Object.entries(c.resources?.[which] ?? {})) sum[name] = Math.max(sum[name] ?? 0, amount(name, q));
  }
  return sum;
}

/** cpu in millicores, everything else in whole units rounded up. */
const amount = (name: string, q: string | number): number => (name === 'cpu' ? milli(q) : bytes(q));

/** The sandbox's resources: the pod's totals, for runtimes that size the pod cgroup (NRI, VMs). */
export function sandboxResources(pod: Pod, options?: CpuQuotaOptions): LinuxContainerResources {
  const req = podResourceList(pod, 'requests');
  const lim = podResourceList(pod, 'limits');
  const asList = (l: Record<string, number>): Record<string, string> =>
    Object.fromEntries(Object.entries(l).map(([k, v]) => [k, k === 'cpu' ? `${v}m` : String(v)]));
  return linuxResources(asList(req), asList(lim), options);
}

/** Pod overhead is treated as guaranteed: request = limit. Undefined when the pod has none. */
export function overheadResources(pod: Pod, options?: CpuQuotaOptions): LinuxContainerResources | undefined {
  const overhead = pod.spec?.overhead;
  if (!overhead) return undefined;
  const cpu = overhead.cpu;
  const list = { ...(cpu !== undefined ? { cpu } : {}), ...(overhead.memory !== undefined ? { memory: overhead.memory } : {}) };
  return linuxResources(cpu !== undefined ? { cpu } : {}, list, options);
}
