// computePodStatus: the pod status the kubelet reports, as upstream's generateAPIPodStatus
// followed by the status manager's time stamping. Pure: everything it knows comes in the input.
import { isIP } from 'node:net';
import type { PodSandboxStatus } from '@k8ts/cri';
import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import {
  KUBELET_CONDITIONS, SHARED_CONDITIONS, containersReadyCondition, initializedCondition, newestSandbox, readyCondition,
  readyToStartContainersCondition,
} from './conditions.ts';
import { convertContainerStatuses, newestFirst, type ConvertOptions, type NamedContainer } from './containers.ts';
import { stampTransitions } from './merge.ts';
import { isTerminalPhase, podPhase, type PodPhase } from './phase.ts';
import { applyProbeResults } from './probes.ts';
import { podQOS } from './qos.ts';
import type { StatusInput } from './types.ts';

export function computePodStatus(input: StatusInput): PodStatus {
  const { pod } = input;
  const api = pod.status ?? {};
  const prev = input.previous ?? api;
  const initSpecs = pod.spec?.initContainers ?? [];
  const convert: Omit<ConvertOptions, 'previous' | 'isInit'> = {
    pod,
    runtime: newestFirst(input.containers),
    hasInitContainers: initSpecs.length > 0,
    waitingReasons: input.waitingReasons,
    terminationMessages: input.terminationMessages,
    runtimeName: input.runtimeName ?? 'containerd',
  };
  const initContainerStatuses = convertContainerStatuses(initSpecs, { ...convert, previous: prev.initContainerStatuses, isInit: true });
  const containerStatuses = convertContainerStatuses(pod.spec?.containers ?? [], { ...convert, previous: prev.containerStatuses, isInit: false });

  const status: PodStatus = {};
  const initialized = hasActiveRegularContainer(input, convert.runtime);
  status.phase = podPhase(pod, { containerStatuses, initContainerStatuses }, input.podIsTerminal === true, initialized);
  // Once Succeeded or Failed — here or in the API — always so.
  if (!isTerminalPhase(status.phase)) {
    if (isTerminalPhase(prev.phase)) status.phase = prev.phase;
    else if (isTerminalPhase(api.phase)) status.phase = api.phase;
  }
  if (status.phase === prev.phase) {
    const reason = prev.reason || api.reason;
    const message = prev.message || api.message;
    if (reason) status.reason = reason;
    if (message) status.message = message;
  }
  if (isTerminalPhase(api.phase)) status.phase = api.phase;

  const hostIPs = input.hostIPs.slice(0, 2);
  if (hostIPs[0]) {
    status.hostIP = hostIPs[0];
    status.hostIPs = hostIPs.map((ip) => ({ ip }));
  }
  let podIPs = sortPodIPs(input.podIPs ?? sandboxIPs(input.sandboxes), hostIPs[0]);
  if (pod.spec?.hostNetwork && podIPs.length === 0) podIPs = hostIPs;
  // A stopped sandbox reports no address; the pod keeps the one it had (a Completed pod shows its IP).
  if (podIPs.length === 0) podIPs = (prev.podIPs ?? []).map((p) => p.ip ?? '').filter(Boolean);
  if (podIPs[0]) {
    status.podIP = podIPs[0];
    status.podIPs = podIPs.map((ip) => ({ ip }));
  }
  if (initContainerStatuses.length) status.initContainerStatuses = initContainerStatuses;
  status.containerStatuses = containerStatuses;
  status.qosClass = podQOS(pod);

  applyProbeResults(pod, status, { readiness: input.readiness, startup: input.startup });
  status.conditions = conditionsFor(input, status, prev);
  stampTransitions(status, prev, input.now);
  return reorder(status);
}

function conditionsFor(input: StatusInput, status: PodStatus, prev: PodStatus): PodCondition[] {
  const { pod } = input;
  const phase = status.phase as PodPhase;
  const conditions = (pod.status?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.has(c.type)).map((c) => structuredClone(c));
  // Shared conditions are set once, during eviction or shutdown; never recomputed.
  for (const c of prev.conditions ?? []) {
    if (!SHARED_CONDITIONS.has(c.type)) continue;
    const i = conditions.findIndex((o) => o.type === c.type);
    if (i >= 0) conditions[i] = structuredClone(c);
    else conditions.push(structuredClone(c));
  }
  const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
  conditions.push(readyToStartContainersCondition(pod, input.sandboxes));
  conditions.push(initializedCondition(pod, all, phase));
  conditions.push(readyCondition(pod, conditions, all, phase));
  conditions.push(containersReadyCondition(pod, all, phase));
  conditions.push({ type: 'PodScheduled', status: 'True' });
  return conditions;
}

/**
 * A regular container belongs to the current sandbox. CRI container statuses do not name their
 * sandbox, but the worker only creates containers in the newest one, after it was created.
 */
function hasActiveRegularContainer(input: StatusInput, runtime: readonly NamedContainer[]): boolean {
  const sandbox = newestSandbox(input.sandboxes);
  if (!sandbox) return false;
  const since = BigInt(sandbox.created_at || '0');
  const regular = new Set((input.pod.spec?.containers ?? []).map((c) => c.name));
  return runtime.some((c) => regular.has(c.name) && BigInt(c.status.created_at || '0') >= since);
}

/** The newest sandbox's IPs, if it is ready (a stopped sandbox's address is stale). */
function sandboxIPs(sandboxes: readonly PodSandboxStatus[]): string[] {
  const newest = newestSandbox(sandboxes);
  if (!newest || newest.state !== 'SANDBOX_READY' || !newest.network?.ip) return [];
  return [newest.network.ip, ...newest.network.additional_ips.map((a) => a.ip)];
}

/** At most one IP per family: the node's family first, then the other. */
export function sortPodIPs(ips: readonly string[], hostIP: string | undefined): string[] {
  const primary = hostIP && isIP(hostIP) === 6 ? 6 : 4;
  const first = ips.find((ip) => isIP(ip) === primary);
  const second = ips.find((ip) => isIP(ip) === (primary === 4 ? 6 : 4));
  return [first, second].filter((ip): ip is string => ip !== undefined);
}

const FIELD_ORDER = [
  'phase', 'conditions', 'message', 'reason', 'nominatedNodeName', 'hostIP', 'hostIPs', 'podIP', 'podIPs',
  'startTime', 'initContainerStatuses', 'containerStatuses', 'qosClass',
] as const;

/** Fields in the API's serialisation order, so stored objects read as on a real cluster. */
function reorder(s: PodStatus): PodStatus {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (s[k] !== undefined) out[k] = s[k];
  return out as PodStatus;
}
