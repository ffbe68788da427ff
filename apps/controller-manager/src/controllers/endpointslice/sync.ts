// One sync of the EndpointSlice controller (upstream's syncService): the slices labelled with a
// service's name and managed by this controller hold the endpoints of the pods it selects.
// Slices of a deleted service go with it through their owner reference (garbage collector).
import { splitKey, type Clock, type Lister } from '@k8ts/client';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { isNamespaceTerminating } from '../endpoints/equal.ts';
import { selectedPods, serviceSelector } from '../endpoints/pods.ts';
import { rfc3339Nano, TriggerTimeTracker } from '../endpoints/trigger-time.ts';
import { desiredGroups } from './desired.ts';
import { SliceTracker, type SlicePort } from './port.ts';
import { CONTROLLER_NAME, MANAGED_BY_LABEL, reconcile, SERVICE_NAME_LABEL } from './reconcile.ts';

export interface Recorder {
  event(obj: Service, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface SliceSyncOptions {
  services: Lister<Service>;
  pods: Lister<Pod>;
  nodes: Lister<Node>;
  slices: Lister<EndpointSlice>;
  port: SlicePort;
  recorder: Recorder;
  clock: Clock;
  maxEndpointsPerSlice?: number;
}

/** The service a managed slice belongs to ("ns/name"), or undefined for slices not ours. */
export function serviceKeyOf(slice: EndpointSlice): string | undefined {
  const labels = slice.metadata?.labels ?? {};
  const svc = labels[SERVICE_NAME_LABEL];
  return svc && labels[MANAGED_BY_LABEL] === CONTROLLER_NAME ? `${slice.metadata?.namespace ?? ''}/${svc}` : undefined;
}

export class EndpointSliceSync {
  readonly triggerTimes = new TriggerTimeTracker();
  readonly tracker: SliceTracker;

  constructor(private readonly o: SliceSyncOptions) {
    this.tracker = new SliceTracker(o.slices, o.clock);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    // 1. The service; without one, or without a selector, there is nothing to manage.
    const svc = this.o.services.get(key);
    if (!svc) {
      this.triggerTimes.forget(namespace, name);
      this.tracker.forget(key);
      return;
    }
    if (svc.spec?.type === 'ExternalName' || !serviceSelector(svc) || svc.metadata?.deletionTimestamp) return;

    // 2. Our own recent writes must be in the cache before we compare against it.
    const stale = this.tracker.stale(key);
    if (stale) throw new Error(`EndpointSlice informer cache is out of date: ${stale} does not show the last write yet`);

    // 3. Desired endpoints against the existing slices.
    const pods = selectedPods(this.o.pods, svc);
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const { addressType, groups } = desiredGroups(svc, pods, (n) => this.o.nodes.get(n));
    const existing = this.o.slices.byNamespace(namespace, (s) => serviceKeyOf(s) === key);
    const plan = reconcile({
      svc, addressType, groups, existing, ...(this.o.maxEndpointsPerSlice ? { maxEndpointsPerSlice: this.o.maxEndpointsPerSlice } : {}),
      ...(triggerTime ? { triggerTime: rfc3339Nano(triggerTime) } : {}),
    });

    // 4. Writes: creations first so that a service never goes without slices.
    try {
      for (const s of plan.create) this.tracker.created(key, await this.o.port.create(s));
      for (const s of plan.update) {
        const before = existing.find((e) => e.metadata?.name === s.metadata?.name);
        await this.o.port.update(s);
        if (before) this.tracker.updated(key, before);
      }
      for (const s of plan.delete) {
        await this.o.port.delete(namespace, s.metadata?.name ?? '');
        this.tracker.deleted(key, s);
      }
    } catch (err) {
      if (isNamespaceTerminating(err)) return;
      this.o.recorder.event(svc, 'Warning', 'FailedToUpdateEndpointSlices', `Error updating Endpoint Slices for Service ${namespace}/${name}: ${(err as Error).message}`);
      throw err;
    }
  }
}
