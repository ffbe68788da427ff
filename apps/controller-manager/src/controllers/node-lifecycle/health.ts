// How the node controller decides a node has gone silent (upstream tryUpdateNodeHealth): it
// remembers when it last saw a sign of life — a new Ready heartbeat in the node's status or a newer
// renewTime on its Lease in kube-node-lease — by ITS OWN clock, so clock skew between kubelet and
// controller does not matter. A node silent for longer than the grace period has its conditions
// set to Unknown.
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { readyCondition } from './taints.ts';

export interface Lease {
  metadata?: { name?: string; namespace?: string };
  spec?: { renewTime?: string; holderIdentity?: string; leaseDurationSeconds?: number };
}

export interface NodeHealth {
  /** When the controller last saw the node alive (ms since epoch). */
  probeMs: number;
  /** The Ready condition's lastHeartbeatTime as last seen. */
  heartbeat?: string;
  /** The Lease's renewTime as last seen. */
  leaseRenew?: string;
}

export interface HealthConfig {
  gracePeriodMs: number;
  startupGracePeriodMs: number;
}

/** The conditions the controller takes over when the kubelet goes silent. */
export const MONITORED_CONDITIONS = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'] as const;

const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
const creationMs = (node: Node) => (node.metadata?.creationTimestamp ? Date.parse(node.metadata.creationTimestamp) : 0);

/** The node's health after looking at it and its Lease now. */
export function observeHealth(node: Node, lease: Lease | undefined, saved: NodeHealth | undefined, now: Date): NodeHealth {
  const ready = readyCondition(node);
  let h: NodeHealth;
  if (!ready) {
    // Never posted status: the clock starts at registration (upstream resets to creation each time).
    h = { probeMs: creationMs(node) };
  } else if (!saved || saved.heartbeat !== ready.lastHeartbeatTime) {
    h = { probeMs: now.getTime(), ...(ready.lastHeartbeatTime ? { heartbeat: ready.lastHeartbeatTime } : {}), ...(saved?.leaseRenew ? { leaseRenew: saved.leaseRenew } : {}) };
  } else {
    h = { ...saved };
  }
  const renew = lease?.spec?.renewTime;
  if (renew && (!h.leaseRenew || Date.parse(h.leaseRenew) < Date.parse(renew))) {
    h.probeMs = now.getTime();
    h.leaseRenew = renew;
  }
  return h;
}

export const gracePeriodMs = (node: Node, c: HealthConfig) => (readyCondition(node) ? c.gracePeriodMs : c.startupGracePeriodMs);

/**
 * The conditions a silent node gets: every monitored condition Unknown, keeping the last heartbeat;
 * undefined if they already are.
 */
export function unknownConditions(node: Node, now: Date): NodeCondition[] | undefined {
  const conditions = (node.status?.conditions ?? []).map((c) => ({ ...c }));
  let changed = false;
  for (const type of MONITORED_CONDITIONS) {
    const c = conditions.find((x) => x.type === type);
    if (!c) {
      conditions.push({
        type, status: 'Unknown', reason: 'NodeStatusNeverUpdated', message: 'Kubelet never posted node status.',
        lastHeartbeatTime: node.metadata?.creationTimestamp ?? rfc3339(now), lastTransitionTime: rfc3339(now),
      });
      changed = true;
    } else if (c.status !== 'Unknown') {
      Object.assign(c, { status: 'Unknown', reason: 'NodeStatusUnknown', message: 'Kubelet stopped posting node status.', lastTransitionTime: rfc3339(now) });
      changed = true;
    }
  }
  return changed ? conditions : undefined;
}
