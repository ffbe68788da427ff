// Subresources other than status: scale, binding, eviction and a namespace's finalize.
import {
  ApiError, badRequest, conflict, forbidden, labelSelectorFromObject, type ResourceInfo,
} from '@k8ts/api';
import type { KObject } from '../storage/watch-cache.ts';
import { decodeObject } from '../http/negotiate.ts';
import { applyPatch, patchTypeOf } from '../patch/index.ts';
import { dryRunOf, storeFor, type ApiContext } from './context.ts';
import { rfc3339 } from '../time.ts';
import { checkBody, pinsVersion, type WriteRequest } from './write.ts';

interface Scalable extends KObject {
  spec?: { replicas?: number; selector?: unknown };
  status?: { replicas?: number };
}

/** autoscaling/v1 Scale of a Deployment, ReplicaSet or StatefulSet. */
export function toScale(obj: Readonly<KObject>): object {
  const o = obj as Scalable;
  const m = obj.metadata;
  const selector = o.spec?.selector as Parameters<typeof labelSelectorFromObject>[0];
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name: m.name, namespace: m.namespace, uid: m.uid, resourceVersion: m.resourceVersion, creationTimestamp: m.creationTimestamp },
    spec: { replicas: o.spec?.replicas ?? 0 },
    status: { replicas: o.status?.replicas ?? 0, selector: selector ? labelSelectorFromObject(selector).toString() : '' },
  };
}

/** PUT or PATCH of /scale: only spec.replicas of the parent changes. */
export async function updateScale(ctx: ApiContext, w: WriteRequest, method: 'PUT' | 'PATCH') {
  const wctx = { now: ctx.now(), dryRun: dryRunOf(w.query) };
  const patchType = method === 'PATCH' ? patchTypeOf(w.contentType) : undefined;
  const body = method === 'PUT' || patchType === 'apply' ? decodeObject(w.body, w.contentType) : undefined;
  const updated = await w.store.update(w.namespace, w.name!, (current) => {
    const scale = toScale(current) as { metadata: { resourceVersion?: string }; spec: { replicas?: unknown } };
    let next: typeof scale;
    if (method === 'PUT') {
      next = checkBody(ctx, { ...w, r: { ...w.r, group: 'autoscaling', version: 'v1' } as ResourceInfo }, structuredClone(body!), 'Scale') as unknown as typeof scale;
    } else {
      if (!patchType) throw badRequest(`unsupported patch type ${w.contentType ?? ''}`);
      const raw = patchType === 'apply' ? body : JSON.parse(w.body?.toString() || 'null');
      next = (patchType === 'apply' ? { ...scale, ...body } : applyPatch(patchType, scale, raw, 'Scale')) as typeof scale;
      if (!pinsVersion(raw)) delete next.metadata.resourceVersion;
    }
    const replicas = next.spec?.replicas;
    if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(422, 'Invalid', `Scale.autoscaling "${w.name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, {
        name: w.name, group: 'autoscaling', kind: 'Scale',
        causes: [{ reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`, field: 'spec.replicas' }],
      });
    }
    (current.spec as { replicas?: number }).replicas = replicas;
    if (next.metadata.resourceVersion) current.metadata.resourceVersion = next.metadata.resourceVersion;
    else delete current.metadata.resourceVersion;
    return current;
  }, wctx);
  return toScale(updated);
}

/** pods/binding: assigns a node once; a pod that already has one answers 409. */
export async function bind(ctx: ApiContext, w: WriteRequest) {
  const binding = decodeObject(w.body, w.contentType) as { kind?: string; metadata?: { name?: string; uid?: string }; target?: { name?: string; kind?: string } };
  if (binding.kind !== undefined && binding.kind !== 'Binding') throw badRequest(`the kind in the data (${binding.kind}) does not match the expected kind (Binding)`);
  const node = binding.target?.name;
  if (!node) {
    throw new ApiError(422, 'Invalid', `Binding "${w.name}" is invalid: target.name: Required value`, {
      name: w.name, kind: 'Binding', causes: [{ reason: 'FieldValueRequired', message: 'Required value', field: 'target.name' }],
    });
  }
  const wctx = { now: ctx.now(), dryRun: dryRunOf(w.query) };
  await w.store.update(w.namespace, w.name!, (pod) => {
    const spec = pod.spec as { nodeName?: string };
    if (binding.metadata?.uid && binding.metadata.uid !== pod.metadata.uid) {
      throw conflict({ resource: 'pods' }, w.name!, `Precondition failed: UID in precondition: ${binding.metadata.uid}, UID in object meta: ${String(pod.metadata.uid)}`);
    }
    if (pod.metadata.deletionTimestamp) throw conflict({ resource: 'pods' }, w.name!, 'pod is being deleted, cannot be assigned to a host');
    if (spec.nodeName) throw conflict({ resource: 'pods' }, w.name!, `pod ${w.name} is already assigned to node "${spec.nodeName}"`);
    spec.nodeName = node;
    delete pod.metadata.resourceVersion;
    const status = (pod.status ??= {}) as { conditions?: { type: string; status: string; lastProbeTime: null; lastTransitionTime: string }[] };
    const conditions = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
    conditions.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: rfc3339(wctx.now) });
    status.conditions = conditions;
    return pod;
  }, { ...wctx, subresource: 'other' });
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

interface Pdb extends KObject {
  spec?: { selector?: Parameters<typeof labelSelectorFromObject>[0] };
  status?: { disruptionsAllowed?: number; observedGeneration?: number; desiredHealthy?: number; currentHealthy?: number; disruptedPods?: Record<string, string> };
}

/** upstream's createTooManyRequestsError: 429 with a retry hint and the budget's reason as a cause. */
const budgetRefusal = (cause: string) =>
  new ApiError(429, 'TooManyRequests', 'Cannot evict pod as it would violate the pod\'s disruption budget.', {
    retryAfterSeconds: 10,
    causes: [{ reason: 'DisruptionBudget', message: cause }],
  });

/**
 * pods/eviction: a delete that a PodDisruptionBudget may refuse (429) — the budget's
 * disruptionsAllowed is spent first, in its own transaction, so two evictions cannot both pass.
 */
export async function evict(ctx: ApiContext, w: WriteRequest) {
  const eviction = decodeObject(w.body, w.contentType) as { kind?: string; deleteOptions?: Record<string, unknown> };
  if (eviction.kind !== undefined && eviction.kind !== 'Eviction') throw badRequest(`the kind in the data (${eviction.kind}) does not match the expected kind (Eviction)`);
  const dryRun = dryRunOf(w.query);
  const pod = await w.store.get(w.namespace, w.name!);
  const terminal = ['Succeeded', 'Failed'].includes(String((pod.status as { phase?: string } | undefined)?.phase));
  if (!terminal && !pod.metadata.deletionTimestamp) {
    const pdbs = storeFor(ctx, ctx.pdbResource);
    const matching = (await pdbs.listConsistent(pdbs.keyPrefix(w.namespace))).entries.filter((e) =>
      labelSelectorFromObject((e.obj as Pdb).spec?.selector).matches(pod.metadata.labels as Record<string, string> | undefined));
    if (matching.length > 1) throw new ApiError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
    const pdb = matching[0];
    if (pdb) {
      await pdbs.update(w.namespace, String(pdb.obj.metadata.name), (cur) => {
        const p = cur as Pdb;
        const name = String(p.metadata.name);
        const allowed = p.status?.disruptionsAllowed ?? 0;
        // As upstream's checkAndDecrement: a budget the disruption controller has not yet seen in
        // its current generation cannot vouch for anything; a negative one is a broken budget.
        if ((p.status?.observedGeneration ?? 0) < Number(p.metadata.generation ?? 0))
          throw budgetRefusal(`The disruption budget ${name} is still being processed by the server.`);
        if (allowed < 0) throw forbidden({ group: 'policy', resource: 'poddisruptionbudgets' }, name, 'pdb disruptions allowed is negative');
        if (allowed === 0) throw budgetRefusal(`The disruption budget ${name} needs ${p.status?.desiredHealthy ?? 0} healthy pods and has ${p.status?.currentHealthy ?? 0} currently`);
        p.status = { ...p.status, disruptionsAllowed: allowed - 1, disruptedPods: { ...p.status?.disruptedPods, [w.name!]: rfc3339(ctx.now()) } };
        cur.metadata.resourceVersion = pdb.obj.metadata.resourceVersion;
        return cur;
      }, { now: ctx.now(), dryRun, subresource: 'other' });
    }
  }
  const opts = (eviction.deleteOptions ?? {}) as { gracePeriodSeconds?: number; preconditions?: { uid?: string; resourceVersion?: string } };
  await w.store.delete(w.namespace, w.name!, { gracePeriodSeconds: opts.gracePeriodSeconds, preconditions: opts.preconditions, dryRun }, { now: ctx.now(), dryRun });
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 };
}

/** namespaces/finalize: only spec.finalizers changes; the namespace goes once none are left. */
export async function finalize(ctx: ApiContext, w: WriteRequest) {
  const ns = checkBody(ctx, w, decodeObject(w.body, w.contentType));
  const finalizers = (ns.spec as { finalizers?: string[] } | undefined)?.finalizers ?? [];
  return w.store.update(undefined, w.name!, (cur) => {
    cur.spec = { ...(cur.spec as object), finalizers };
    if (ns.metadata.resourceVersion) cur.metadata.resourceVersion = ns.metadata.resourceVersion;
    else delete cur.metadata.resourceVersion;
    return cur;
  }, { now: ctx.now(), dryRun: dryRunOf(w.query), subresource: 'other' });
}
