// From the runtime's containers (every attempt) to the API's containerStatuses or
// initContainerStatuses, as upstream's convertToAPIContainerStatuses: the newest attempt gives
// `state`, the one before it `lastState`; containers the runtime does not have keep a default
// waiting reason or inherit what the previous status knew; a container the worker failed to
// start shows the worker's reason (ErrImagePull, CrashLoopBackOff, …).
import type { ContainerStatus as CriContainerStatus } from '@k8ts/cri';
import type { Container, ContainerState, ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { containerNameOf, restartCountOf } from './labels.ts';
import {
  LOST_EXIT_CODE, MESSAGE_INIT_ASSUMED_COMPLETED, MESSAGE_LOST_ON_TERMINATION, MESSAGE_LOST_WHILE_RUNNING,
  TERMINATED, WAITING,
} from './reasons.ts';
import { nanosToApiTime } from './time.ts';
import type { WaitingReason } from './types.ts';

/** A runtime container with the name the kubelet labelled it with. */
export interface NamedContainer {
  name: string;
  status: CriContainerStatus;
}

/** Runtime containers of known name, newest first (upstream's order for "latest attempt"). */
export function newestFirst(statuses: readonly CriContainerStatus[]): NamedContainer[] {
  const named = statuses
    .map((status) => ({ name: containerNameOf(status.labels) || status.metadata?.name || '', status }))
    .filter((c) => c.name !== '');
  return named.sort((a, b) => {
    const d = BigInt(b.status.created_at || '0') - BigInt(a.status.created_at || '0');
    return d > 0n ? 1 : d < 0n ? -1 : 0;
  });
}

export const isSidecar = (c: Container): boolean => c.restartPolicy === 'Always';

/**
 * Whether the worker will (re)start this container on its next sync. Sidecars restart whatever
 * the pod's restartPolicy says; a pod being deleted restarts nothing.
 */
export function shouldRestart(container: Container, pod: Pod, latest: CriContainerStatus | undefined): boolean {
  if (pod.metadata?.deletionTimestamp) return false;
  if (!latest) return true;
  if (latest.state === 'CONTAINER_RUNNING') return false;
  if (latest.state === 'CONTAINER_UNKNOWN' || latest.state === 'CONTAINER_CREATED') return true;
  if (isSidecar(container)) return true;
  const policy = pod.spec?.restartPolicy ?? 'Always';
  if (policy === 'Never') return false;
  if (policy === 'OnFailure' && latest.exit_code === 0) return false;
  return true;
}

export interface ConvertOptions {
  pod: Pod;
  /** From newestFirst: all of the pod's runtime containers. */
  runtime: readonly NamedContainer[];
  /** The same list in the previous status (containerStatuses or initContainerStatuses). */
  previous: readonly ContainerStatus[] | undefined;
  hasInitContainers: boolean;
  isInit: boolean;
  waitingReasons: ReadonlyMap<string, WaitingReason> | undefined;
  terminationMessages: ReadonlyMap<string, string> | undefined;
  runtimeName: string;
}

/** Statuses for `specs`, in spec order for init containers and by name for the others. */
export function convertContainerStatuses(specs: readonly Container[], o: ConvertOptions): ContainerStatus[] {
  const old = new Map((o.previous ?? []).map((s) => [s.name, s]));
  const latest = new Map<string, CriContainerStatus>();
  for (const c of o.runtime) if (!latest.has(c.name)) latest.set(c.name, c.status);
  const defaultState = (): ContainerState => ({
    waiting: { reason: o.hasInitContainers ? WAITING.podInitializing : WAITING.containerCreating },
  });

  // 1. Defaults: waiting, or what the previous status knew (a terminated one is kept whole).
  const statuses = new Map<string, ContainerStatus>();
  for (const spec of specs) {
    const prev = old.get(spec.name);
    if (prev?.state?.terminated) {
      statuses.set(spec.name, structuredClone(prev));
      continue;
    }
    statuses.set(spec.name, {
      name: spec.name, state: defaultState(), lastState: structuredClone(prev?.lastState ?? {}),
      ready: false, restartCount: prev?.restartCount ?? 0, image: spec.image ?? '', imageID: '',
    });
  }

  // 2. A container that was running and vanished from the runtime has terminated, even though
  //    its exit is unknown; otherwise it would read as never started and the pod as Pending.
  for (const spec of specs) {
    const prev = old.get(spec.name);
    if (latest.has(spec.name) || !prev?.state?.running) continue;
    const s = statuses.get(spec.name)!;
    if (s.lastState?.terminated) continue;
    s.lastState = { terminated: { reason: TERMINATED.containerStatusUnknown, message: MESSAGE_LOST_WHILE_RUNNING, exitCode: LOST_EXIT_CODE } };
    if (!o.pod.metadata?.deletionTimestamp) s.restartCount = (s.restartCount ?? 0) + 1;
  }

  // 3. The runtime's two newest attempts per name: state, then lastState.
  const seen = new Map<string, number>();
  for (const c of o.runtime) {
    const target = statuses.get(c.name);
    const n = seen.get(c.name) ?? 0;
    if (!target || n >= 2) continue;
    const converted = fromRuntime(c, old.get(c.name), o);
    if (n === 0) statuses.set(c.name, converted);
    else target.lastState = converted.state;
    seen.set(c.name, n + 1);
  }

  // 4. Containers the worker will start again show why they are not running yet.
  const regularCreated = (o.pod.spec?.containers ?? []).some((c) => {
    const state = latest.get(c.name)?.state;
    return state !== undefined && state !== 'CONTAINER_UNKNOWN';
  });
  for (const spec of specs) {
    const last = latest.get(spec.name);
    const s = statuses.get(spec.name)!;
    if (o.isInit) {
      if (last?.state === 'CONTAINER_EXITED' && last.exit_code === 0) continue;
      // Init containers garbage-collected after the pod initialised did succeed.
      if (!last && regularCreated && !isSidecar(spec) && s.state?.waiting) {
        s.state = { terminated: { reason: TERMINATED.completed, message: MESSAGE_INIT_ASSUMED_COMPLETED, exitCode: 0 } };
        continue;
      }
    }
    if (!shouldRestart(spec, o.pod, last)) continue;
    const why = o.waitingReasons?.get(spec.name);
    if (!why) continue;
    if (s.state?.terminated) s.lastState = s.state;
    s.state = { waiting: why.message ? { reason: why.reason, message: why.message } : { reason: why.reason } };
  }

  const out = specs.map((spec) => statuses.get(spec.name)!);
  return o.isInit ? out : out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function fromRuntime(c: NamedContainer, prev: ContainerStatus | undefined, o: ConvertOptions): ContainerStatus {
  const cs = c.status;
  const containerID = `${o.runtimeName}://${cs.id}`;
  const status: ContainerStatus = {
    name: c.name, state: {}, lastState: {}, ready: false, restartCount: restartCountOf(cs.annotations),
    image: cs.image?.image ?? '', imageID: cs.image_ref, containerID,
  };
  switch (cs.state) {
    case 'CONTAINER_RUNNING':
      status.state = { running: { startedAt: nanosToApiTime(cs.started_at) } };
      // Kept until the prober says otherwise, so a started sidecar does not flap the phase.
      if (prev?.started !== undefined) status.started = prev.started;
      break;
    case 'CONTAINER_EXITED': {
      const extra = o.terminationMessages?.get(cs.id);
      const message = extra ? (cs.message ? `${cs.message}: ${extra}` : extra) : cs.message;
      status.state = {
        terminated: {
          exitCode: cs.exit_code,
          ...(cs.reason ? { reason: cs.reason } : {}),
          ...(message ? { message } : {}),
          startedAt: nanosToApiTime(cs.started_at),
          finishedAt: nanosToApiTime(cs.finished_at),
          containerID,
        },
      };
      break;
    }
    case 'CONTAINER_UNKNOWN':
      if (prev?.state?.running) {
        status.state = { terminated: { reason: TERMINATED.containerStatusUnknown, message: MESSAGE_LOST_ON_TERMINATION, exitCode: LOST_EXIT_CODE } };
        status.restartCount = (prev.restartCount ?? 0) + 1;
        break;
      }
      status.state = { waiting: {} };
      break;
    case 'CONTAINER_CREATED':
      status.state = { waiting: {} };
      break;
  }
  return status;
}
