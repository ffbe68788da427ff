// One sync of the Endpoints controller (upstream's syncService): the Endpoints object named as a
// service lists the addresses and ports of the pods its selector picks.
import { splitKey, type KubeObject, type Lister } from '@k8ts/client';
import type { EndpointAddress, Endpoints, EndpointSubset, Pod, Service } from 'kubernetes-types/core/v1';
import { isPodReady } from '../../controller/pod-utils.ts';
import { isNamespaceTerminating, semanticEqual } from './equal.ts';
import { findPort, podIPOfFamily, selectedPods, serviceIPFamily, serviceSelector, shouldPodBeInEndpoints, shouldSetHostname } from './pods.ts';
import type { EndpointsPort } from './port.ts';
import { countAddresses, MAX_ENDPOINTS, repackSubsets, truncateSubsets, type AddressPort } from './subsets.ts';
import { rfc3339Nano, TriggerTimeTracker } from './trigger-time.ts';

export const HEADLESS_LABEL = 'service.kubernetes.io/headless';
export const TRIGGER_TIME_ANNOTATION = 'endpoints.kubernetes.io/last-change-trigger-time';
export const OVER_CAPACITY_ANNOTATION = 'endpoints.kubernetes.io/over-capacity';

export interface Recorder {
  event(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void;
}

export interface EndpointsSyncOptions {
  services: Lister<Service>;
  pods: Lister<Pod>;
  endpoints: Lister<Endpoints>;
  port: EndpointsPort;
  recorder: Recorder;
}

/** A cluster IP that is neither unset nor "None" (upstream's IsServiceIPSet). */
const hasServiceIP = (svc: Service) => Boolean(svc.spec?.clusterIP) && svc.spec?.clusterIP !== 'None';

/** The (address, readiness, port) triples the service's pods contribute. */
export function endpointEntries(svc: Service, pods: readonly Pod[]): AddressPort[] {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const entries: AddressPort[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, publishNotReady)) continue;
    const ip = podIPOfFamily(pod, serviceIPFamily(svc, pod));
    if (!ip) continue;
    const address: EndpointAddress = {
      ip,
      ...(shouldSetHostname(pod, svc) ? { hostname: pod.spec!.hostname! } : {}),
      ...(pod.spec?.nodeName ? { nodeName: pod.spec.nodeName } : {}),
      targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace ?? '', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
    };
    const ready = publishNotReady || isPodReady(pod);
    const ports = svc.spec?.ports ?? [];
    if (ports.length === 0) {
      // Only a headless service may have no ports; its endpoints are bare addresses.
      if (svc.spec?.clusterIP === 'None') entries.push({ address, ready });
      continue;
    }
    for (const sp of ports) {
      const n = findPort(pod, sp);
      if (n === undefined) continue;
      entries.push({
        address, ready,
        port: { ...(sp.name ? { name: sp.name } : {}), port: n, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) },
      });
    }
  }
  return entries;
}

const withoutHeadless = (labels: Record<string, string> | undefined) => {
  const { [HEADLESS_LABEL]: _h, ...rest } = labels ?? {};
  return rest;
};

/** The over-capacity annotation is right: absent, and no more addresses than the cap. */
const capacityAnnotationCorrect = (ep: Endpoints) =>
  countAddresses(ep.subsets ?? []) <= MAX_ENDPOINTS && !(OVER_CAPACITY_ANNOTATION in (ep.metadata?.annotations ?? {}));

export class EndpointsSync {
  readonly triggerTimes = new TriggerTimeTracker();
  /** Resource versions we have already replaced: a cache still showing one is behind. */
  readonly #stale = new Map<string, string>();

  constructor(private readonly o: EndpointsSyncOptions) {}

  /** The informer delivered a newer version of `key`: whatever we replaced is no longer cached. */
  observed(key: string, resourceVersion: string | undefined): void {
    if (this.#stale.get(key) !== resourceVersion) this.#stale.delete(key);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    // 1. The service; gone means its Endpoints go too.
    const svc = this.o.services.get(key);
    if (!svc) {
      await this.o.port.delete(namespace, name);
      this.triggerTimes.forget(namespace, name);
      this.#stale.delete(key);
      return;
    }
    // 2. ExternalName services and services without a selector get their endpoints from elsewhere.
    if (svc.spec?.type === 'ExternalName' || !serviceSelector(svc)) return;

    // 3. What the endpoints should hold.
    const pods = selectedPods(this.o.pods, svc);
    const triggerTime = this.triggerTimes.compute(svc, pods);
    const subsets = repackSubsets(endpointEntries(svc, pods));

    // 4. Compare with what exists; an unchanged object is not written.
    const current = this.o.endpoints.get(key);
    if (current && this.#stale.get(key) === current.metadata?.resourceVersion) {
      throw new Error(`endpoints informer cache is out of date, resource version ${current.metadata?.resourceVersion} already processed for endpoints ${key}`);
    }
    const svcLabels = svc.metadata?.labels ?? {};
    if (current && semanticEqual(current.subsets ?? [], subsets) && semanticEqual(withoutHeadless(current.metadata?.labels), svcLabels) && capacityAnnotationCorrect(current)) return;

    // 5. Create or update.
    const next = this.#desired(svc, current, subsets, triggerTime);
    try {
      if (!current) await this.o.port.create(next);
      else {
        const updated = await this.o.port.update(next);
        if (updated.metadata?.resourceVersion !== current.metadata?.resourceVersion) this.#stale.set(key, current.metadata?.resourceVersion ?? '');
      }
    } catch (err) {
      if (!current && isNamespaceTerminating(err)) return;
      const msg = (err as Error).message;
      if (!current) this.o.recorder.event(next, 'Warning', 'FailedToCreateEndpoint', `Failed to create endpoint for service ${namespace}/${name}: ${msg}`);
      else this.o.recorder.event(next, 'Warning', 'FailedToUpdateEndpoint', `Failed to update endpoint ${namespace}/${name}: ${msg}`);
      throw err;
    }
  }

  #desired(svc: Service, current: Endpoints | undefined, subsets: EndpointSubset[], triggerTime: Date | undefined): Endpoints {
    const base: Endpoints = current ? structuredClone(current) : { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: svc.metadata?.name ?? '', namespace: svc.metadata?.namespace ?? '' } };
    const annotations = { ...(base.metadata?.annotations ?? {}) };
    if (triggerTime) annotations[TRIGGER_TIME_ANNOTATION] = rfc3339Nano(triggerTime);
    else delete annotations[TRIGGER_TIME_ANNOTATION];
    const truncated = truncateSubsets(subsets);
    if (truncated) annotations[OVER_CAPACITY_ANNOTATION] = 'truncated';
    else delete annotations[OVER_CAPACITY_ANNOTATION];
    const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
    if (!hasServiceIP(svc)) labels[HEADLESS_LABEL] = '';
    return {
      ...base,
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { ...base.metadata, labels, annotations },
      subsets: truncated ?? subsets,
    };
  }
}
