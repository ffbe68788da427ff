// Cluster events that may make an unschedulable pod schedulable, and which plugins care about
// which (upstream's framework.ClusterEvent, ActionType bit flags and each plugin's
// EventsToRegister). A pod rejected by plugins P is moved back to the queue only by an event one
// of P registered for; a plugin absent from the table is assumed to care about every event, as
// upstream does for plugins without EnqueueExtensions.
import type { Node } from 'kubernetes-types/core/v1';
import { isDeepStrictEqual } from 'node:util';

/** What changed. 'Pod' events are about pods already bound to a node. '*' matches any resource. */
export type EventResource =
  | 'Pod'
  | 'Node'
  | 'Namespace'
  | 'PodDisruptionBudget'
  | 'PersistentVolume'
  | 'PersistentVolumeClaim'
  | 'StorageClass'
  | 'Service'
  | '*';

const UPDATE_BITS = {
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  UpdatePodScaleDown: 1 << 8,
  UpdatePodTolerations: 1 << 9,
} as const;

/** Upstream's ActionType flags: `Update` covers every Update* flag, `All` every flag. */
export const ACTION_BITS = {
  Add: 1 << 0,
  Delete: 1 << 1,
  ...UPDATE_BITS,
  Update: Object.values(UPDATE_BITS).reduce((a, b) => a | b, 0),
  All: (1 << 10) - 1,
} as const;

export type ActionType = keyof typeof ACTION_BITS;

export interface ClusterEvent {
  readonly resource: EventResource;
  /** One action, or several that the event stands for (a plugin's registration uses several). */
  readonly action: ActionType | readonly ActionType[];
  /** A name for logs and metrics, e.g. 'NodeAdd'. */
  readonly label?: string;
}

const bits = (a: ClusterEvent['action']): number =>
  typeof a === 'string' ? ACTION_BITS[a] : a.reduce((acc, x) => acc | ACTION_BITS[x], 0);

/** Whether `event` is one that `registered` (a plugin's interest) covers. */
export function eventMatches(registered: ClusterEvent, event: ClusterEvent): boolean {
  if (registered.resource !== '*' && event.resource !== '*' && registered.resource !== event.resource) return false;
  return (bits(registered.action) & bits(event.action)) !== 0;
}

export const WILDCARD_EVENT: ClusterEvent = { resource: '*', action: 'All', label: 'WildCardEvent' };

/** The events the scheduler's informer handlers report (upstream's framework/events.go). */
export const EVENTS = {
  NodeAdd: { resource: 'Node', action: 'Add', label: 'NodeAdd' },
  NodeDelete: { resource: 'Node', action: 'Delete', label: 'NodeDelete' },
  AssignedPodAdd: { resource: 'Pod', action: 'Add', label: 'AssignedPodAdd' },
  AssignedPodUpdate: { resource: 'Pod', action: 'Update', label: 'AssignedPodUpdate' },
  AssignedPodDelete: { resource: 'Pod', action: 'Delete', label: 'AssignedPodDelete' },
  PodLabelChange: { resource: 'Pod', action: 'UpdatePodLabel', label: 'AssignedPodUpdatePodLabel' },
  PodScaleDown: { resource: 'Pod', action: 'UpdatePodScaleDown', label: 'AssignedPodUpdatePodScaleDown' },
  NodeSpecUnschedulableChange: { resource: 'Node', action: 'UpdateNodeTaint', label: 'NodeSpecUnschedulableChange' },
  NodeAllocatableChange: { resource: 'Node', action: 'UpdateNodeAllocatable', label: 'NodeAllocatableChange' },
  NodeLabelChange: { resource: 'Node', action: 'UpdateNodeLabel', label: 'NodeLabelChange' },
  NodeAnnotationChange: { resource: 'Node', action: 'UpdateNodeAnnotation', label: 'NodeAnnotationChange' },
  NodeTaintChange: { resource: 'Node', action: 'UpdateNodeTaint', label: 'NodeTaintChange' },
  NodeConditionChange: { resource: 'Node', action: 'UpdateNodeCondition', label: 'NodeConditionChange' },
  UnschedulableTimeout: { resource: '*', action: 'All', label: 'UnschedulableTimeout' },
  ForceActivate: { resource: '*', action: 'All', label: 'ForceActivate' },
} as const satisfies Record<string, ClusterEvent>;

/**
 * Every plugin that registers Node/Add also registers UpdateNodeTaint|UpdateNodeLabel: a node
 * skipped by the informer handlers' preCheck while it was not ready would otherwise never wake the
 * pods it could take (upstream issue 109437; this is upstream's choice without queueing hints).
 */
const NODE_ADDED_OR_CHANGED: ActionType[] = ['Add', 'UpdateNodeTaint', 'UpdateNodeLabel'];

/** The events each of our filtering plugins registers (upstream v1.32, queueing hints off). */
export const PLUGIN_EVENTS: Readonly<Record<string, readonly ClusterEvent[]>> = {
  NodeName: [{ resource: 'Node', action: NODE_ADDED_OR_CHANGED }],
  NodeUnschedulable: [{ resource: 'Node', action: NODE_ADDED_OR_CHANGED }],
  NodeAffinity: [{ resource: 'Node', action: NODE_ADDED_OR_CHANGED }],
  TaintToleration: [{ resource: 'Node', action: NODE_ADDED_OR_CHANGED }],
  NodePorts: [
    { resource: 'Pod', action: 'Delete' },
    { resource: 'Node', action: NODE_ADDED_OR_CHANGED },
  ],
  NodeResourcesFit: [
    { resource: 'Pod', action: ['Delete', 'UpdatePodScaleDown'] },
    { resource: 'Node', action: [...NODE_ADDED_OR_CHANGED, 'UpdateNodeAllocatable'] },
  ],
  InterPodAffinity: [
    { resource: 'Pod', action: ['Add', 'UpdatePodLabel', 'Delete'] },
    { resource: 'Node', action: NODE_ADDED_OR_CHANGED },
  ],
  PodTopologySpread: [
    { resource: 'Pod', action: ['Add', 'UpdatePodLabel', 'Delete'] },
    { resource: 'Node', action: [...NODE_ADDED_OR_CHANGED, 'Delete'] },
  ],
  // Score-only or never-rejecting plugins register nothing: a pod is never parked because of them.
  NodeResourcesBalancedAllocation: [],
  ImageLocality: [],
  PrioritySort: [],
  DefaultBinder: [],
  DefaultPreemption: [],
};

/** Whether an event may help a pod that `plugins` rejected (no plugins recorded: always). */
export function podMatchesEvent(
  plugins: ReadonlySet<string>,
  event: ClusterEvent,
  table: Readonly<Record<string, readonly ClusterEvent[]>> = PLUGIN_EVENTS,
): boolean {
  if (plugins.size === 0 || (event.resource === '*' && bits(event.action) === ACTION_BITS.All)) return true;
  for (const p of plugins) {
    const registered = table[p] ?? [WILDCARD_EVENT];
    if (registered.some((r) => eventMatches(r, event))) return true;
  }
  return false;
}

const conditionStatuses = (n: Node): Record<string, string> =>
  Object.fromEntries((n.status?.conditions ?? []).map((c) => [c.type, c.status]));

/**
 * The scheduling-relevant changes between two versions of a node (upstream's
 * NodeSchedulingPropertiesChange), one event each. Conditions compare by type and status only:
 * heartbeat times change every few seconds and must not wake anything.
 */
export function nodeUpdateEvents(oldNode: Node, newNode: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  if ((oldNode.spec?.unschedulable ?? false) !== (newNode.spec?.unschedulable ?? false)) out.push(EVENTS.NodeSpecUnschedulableChange);
  if (!isDeepStrictEqual(oldNode.status?.allocatable ?? {}, newNode.status?.allocatable ?? {})) out.push(EVENTS.NodeAllocatableChange);
  if (!isDeepStrictEqual(oldNode.metadata?.labels ?? {}, newNode.metadata?.labels ?? {})) out.push(EVENTS.NodeLabelChange);
  if (!isDeepStrictEqual(oldNode.spec?.taints ?? [], newNode.spec?.taints ?? [])) out.push(EVENTS.NodeTaintChange);
  if (!isDeepStrictEqual(conditionStatuses(oldNode), conditionStatuses(newNode))) out.push(EVENTS.NodeConditionChange);
  if (!isDeepStrictEqual(oldNode.metadata?.annotations ?? {}, newNode.metadata?.annotations ?? {})) out.push(EVENTS.NodeAnnotationChange);
  return out;
}
