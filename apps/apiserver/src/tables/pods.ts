// Pods: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED NODE READINESS GATES.
// STATUS follows kubectl's well-known reasoning: init progress first, then the last container
// with something to say, then deletion (Terminating, or Unknown for pods on a lost node).

import type { Container, ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { AGE, NAME, col, wide } from './columns.ts';
import { humanDuration, since } from './format.ts';
import type { Printer, TableRowCondition } from './types.ts';

/** The reason the node lifecycle controller gives pods on an unreachable node. */
const NODE_LOST = 'NodeLost';

const isRestartable = (c: Container | undefined) => c?.restartPolicy === 'Always';

interface Restarts {
  count: number;
  /** Latest `lastState.terminated.finishedAt`, as epoch ms (0: never). */
  last: number;
}

function addRestarts(acc: Restarts, s: ContainerStatus): void {
  acc.count += s.restartCount ?? 0;
  const finished = s.lastState?.terminated?.finishedAt;
  const t = finished ? Date.parse(finished) : Number.NaN;
  if (!Number.isNaN(t) && t > acc.last) acc.last = t;
}

export interface PodSummary {
  ready: string;
  status: string;
  restarts: string;
}

/** READY, STATUS and RESTARTS of a pod, computed together as they share one pass. */
export function summarizePod(pod: Pod, now: Date): PodSummary {
  const spec = pod.spec;
  const status = pod.status ?? {};
  const phase = status.phase ?? '';
  let reason = status.reason || phase;
  if (status.conditions?.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const inits = new Map((spec?.initContainers ?? []).map((c) => [c.name, c]));
  const total = (spec?.containers ?? []).length + [...inits.values()].filter(isRestartable).length;
  let ready = 0;
  let all: Restarts = { count: 0, last: 0 };
  const sidecars: Restarts = { count: 0, last: 0 };

  let initializing = false;
  const initStatuses = status.initContainerStatuses ?? [];
  for (const [i, c] of initStatuses.entries()) {
    addRestarts(all, c);
    const sidecar = isRestartable(inits.get(c.name));
    if (sidecar) addRestarts(sidecars, c);
    const terminated = c.state?.terminated;
    const waiting = c.state?.waiting;
    if (terminated && terminated.exitCode === 0) continue;
    if (sidecar && c.started) {
      if (c.ready) ready++;
      continue;
    }
    if (terminated) {
      if (terminated.reason) reason = `Init:${terminated.reason}`;
      else reason = terminated.signal ? `Init:Signal:${terminated.signal}` : `Init:ExitCode:${terminated.exitCode}`;
    } else if (waiting?.reason && waiting.reason !== 'PodInitializing') {
      reason = `Init:${waiting.reason}`;
    } else {
      reason = `Init:${i}/${inits.size}`;
    }
    initializing = true;
    break;
  }

  const initialized = status.conditions?.some((c) => c.type === 'Initialized' && c.status === 'True') ?? false;
  if (!initializing || initialized) {
    // Once initialised, only sidecars' restarts count alongside the regular containers'.
    all = sidecars;
    let hasRunning = false;
    const statuses = status.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const c = statuses[i]!;
      addRestarts(all, c);
      const terminated = c.state?.terminated;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (terminated?.reason) reason = terminated.reason;
      else if (terminated) reason = terminated.signal ? `Signal:${terminated.signal}` : `ExitCode:${terminated.exitCode}`;
      else if (c.ready && c.state?.running) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === 'Completed' && hasRunning) {
      const podReady = status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
      reason = podReady ? 'Running' : 'NotReady';
    }
  }

  if (pod.metadata?.deletionTimestamp) {
    if (status.reason === NODE_LOST) reason = 'Unknown';
    else if (phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';
  }

  const restarts = all.count !== 0 && all.last !== 0
    ? `${all.count} (${humanDuration(now.getTime() - all.last)} ago)`
    : String(all.count);
  return { ready: `${ready}/${total}`, status: reason, restarts };
}

function readinessGates(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const conditions = pod.status?.conditions ?? [];
  const met = gates.filter((g) => conditions.find((c) => c.type === g.conditionType)?.status === 'True').length;
  return `${met}/${gates.length}`;
}

const COMPLETED: Readonly<Record<string, TableRowCondition>> = {
  Succeeded: { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  Failed: { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
};

export const podPrinter: Printer<Pod> = {
  columns: [
    NAME,
    col('Ready', 'string', 'Ready containers out of all containers (sidecars included).'),
    col('Status', 'string', 'Summary of the pod and container states.'),
    col('Restarts', 'string', 'Container restarts, with the time since the last one.'),
    AGE,
    wide('IP', 'string', 'First IP address allocated to the pod.'),
    wide('Node', 'string', 'Node the pod is bound to.'),
    wide('Nominated Node', 'string', 'Node where the pod may run once preemption completes.'),
    wide('Readiness Gates', 'string', 'Readiness gate conditions that are true, out of all gates.'),
  ],
  cells(pod, now) {
    const s = summarizePod(pod, now);
    return [
      pod.metadata?.name ?? '',
      s.ready,
      s.status,
      s.restarts,
      since(pod.metadata?.creationTimestamp, now),
      // podIPs[0] is the primary IP; podIP mirrors it on servers that only fill the singular.
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGates(pod),
    ];
  },
  conditions(pod) {
    const c = COMPLETED[pod.status?.phase ?? ''];
    return c ? [c] : undefined;
  },
};
