// Turning desired endpoints into slice writes (upstream's endpointslice reconciler): endpoints
// stay in the slice that already holds them; new ones fill slices being rewritten anyway, then
// whole new slices, and a remainder goes into an untouched slice with room for all of it before
// a new slice is made. Slices left empty go; a service with no endpoints keeps one empty
// placeholder slice. Only slices whose content or labels changed are written.
import type { Service } from 'kubernetes-types/core/v1';
import type { Endpoint, EndpointSlice } from 'kubernetes-types/discovery/v1';
import { semanticEqual } from '../endpoints/equal.ts';
import { HEADLESS_LABEL, TRIGGER_TIME_ANNOTATION } from '../endpoints/sync.ts';
import { endpointKey, portsKey, type EndpointGroup } from './desired.ts';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;

export interface Plan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

export interface ReconcileInput {
  svc: Service;
  addressType: 'IPv4' | 'IPv6';
  groups: ReadonlyMap<string, EndpointGroup>;
  /** The slices this controller manages for the service. */
  existing: readonly EndpointSlice[];
  maxEndpointsPerSlice?: number;
  /** RFC 3339 time for the trigger-time annotation of written slices; undefined drops it. */
  triggerTime?: string;
}

/** The service's labels, ours on top (upstream's setEndpointSliceLabels). */
export function sliceLabels(svc: Service): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) {
    if (k !== SERVICE_NAME_LABEL && k !== MANAGED_BY_LABEL && k !== HEADLESS_LABEL) labels[k] = v;
  }
  labels[SERVICE_NAME_LABEL] = svc.metadata?.name ?? '';
  labels[MANAGED_BY_LABEL] = CONTROLLER_NAME;
  if (svc.spec?.clusterIP === 'None') labels[HEADLESS_LABEL] = '';
  return labels;
}

export function newSlice(svc: Service, addressType: string, group: Pick<EndpointGroup, 'ports'>, endpoints: Endpoint[]): EndpointSlice {
  const name = svc.metadata?.name ?? '';
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: `${name}-`,
      namespace: svc.metadata?.namespace ?? '',
      labels: sliceLabels(svc),
      ownerReferences: [{ apiVersion: 'v1', kind: 'Service', name, uid: svc.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    addressType,
    endpoints,
    ...(group.ports.length ? { ports: group.ports } : {}),
  };
}

function withAnnotation(slice: EndpointSlice, triggerTime: string | undefined): EndpointSlice {
  const annotations = { ...(slice.metadata?.annotations ?? {}) };
  if (triggerTime) annotations[TRIGGER_TIME_ANNOTATION] = triggerTime;
  else delete annotations[TRIGGER_TIME_ANNOTATION];
  const { annotations: _old, ...meta } = slice.metadata ?? {};
  return { ...slice, metadata: { ...meta, ...(Object.keys(annotations).length ? { annotations } : {}) } };
}

export function reconcile(input: ReconcileInput): Plan {
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const labels = sliceLabels(input.svc);
  const plan: Plan = { create: [], update: [], delete: [] };
  const byKey = new Map<string, EndpointSlice[]>();
  for (const s of input.existing) {
    if (s.addressType !== input.addressType) plan.delete.push(s);
    else byKey.set(portsKey(s.ports), [...(byKey.get(portsKey(s.ports)) ?? []), s]);
  }
  for (const [key, slices] of byKey) if (!input.groups.has(key)) plan.delete.push(...slices);

  for (const group of input.groups.values()) {
    const want = new Map(group.endpoints.map((e) => [endpointKey(e), e]));
    const toUpdate: { slice: EndpointSlice; endpoints: Endpoint[] }[] = [];
    const unchanged: EndpointSlice[] = [];
    // 1. Existing slices keep the endpoints still wanted, refreshed.
    for (const s of byKey.get(group.key) ?? []) {
      const kept: Endpoint[] = [];
      for (const e of s.endpoints ?? []) {
        const w = want.get(endpointKey(e));
        if (!w) continue;
        kept.push(w);
        want.delete(endpointKey(e));
      }
      // An empty slice (a placeholder) is refilled rather than replaced.
      if (kept.length === 0 && (s.endpoints ?? []).length > 0) plan.delete.push(s);
      else if (!semanticEqual(kept, s.endpoints ?? []) || !semanticEqual(s.metadata?.labels ?? {}, labels)) toUpdate.push({ slice: s, endpoints: kept });
      else unchanged.push(s);
    }
    // 2. New endpoints: slices being written anyway, then full new slices, then one with room.
    const rest = [...want.values()];
    for (const u of toUpdate) while (rest.length && u.endpoints.length < max) u.endpoints.push(rest.shift()!);
    while (rest.length >= max) plan.create.push(newSlice(input.svc, input.addressType, group, rest.splice(0, max)));
    if (rest.length) {
      const roomy = unchanged.filter((s) => (s.endpoints?.length ?? 0) + rest.length <= max)
        .sort((a, b) => (b.endpoints?.length ?? 0) - (a.endpoints?.length ?? 0))[0];
      if (roomy) {
        unchanged.splice(unchanged.indexOf(roomy), 1);
        toUpdate.push({ slice: roomy, endpoints: [...(roomy.endpoints ?? []), ...rest] });
      } else plan.create.push(newSlice(input.svc, input.addressType, group, rest));
    }
    for (const u of toUpdate) {
      if (u.endpoints.length === 0) {
        plan.delete.push(u.slice);
        continue;
      }
      plan.update.push({ ...structuredClone(u.slice), metadata: { ...structuredClone(u.slice.metadata), labels }, endpoints: u.endpoints, ...(group.ports.length ? { ports: group.ports } : {}) });
    }
  }
  // 3. A service without endpoints keeps exactly one empty slice.
  if (input.groups.size === 0) placeholder(input, plan);
  plan.create = plan.create.map((s) => withAnnotation(s, input.triggerTime));
  plan.update = plan.update.map((s) => withAnnotation(s, input.triggerTime));
  return plan;
}

function placeholder(input: ReconcileInput, plan: Plan): void {
  const labels = sliceLabels(input.svc);
  const reusable = plan.delete.find((s) => s.addressType === input.addressType && (s.endpoints ?? []).length === 0 && !s.ports?.length);
  if (!reusable) {
    plan.create.push(newSlice(input.svc, input.addressType, { ports: [] }, []));
    return;
  }
  plan.delete.splice(plan.delete.indexOf(reusable), 1);
  if (!semanticEqual(reusable.metadata?.labels ?? {}, labels)) plan.update.push({ ...structuredClone(reusable), metadata: { ...structuredClone(reusable.metadata), labels } });
}
