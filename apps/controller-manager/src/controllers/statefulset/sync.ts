// One StatefulSet sync (upstream's StatefulSetControl.UpdateStatefulSet), as numbered steps:
// read the set and its pods from the listers, claim the pods, name the revisions, sort pods into
// the ordinals the set wants and the condemned rest, then act — create missing pods and replace
// finished ones, remove condemned pods from the highest ordinal down, roll out the update
// revision from the highest ordinal down to the partition — and always write the status.
// OrderedReady acts on one pod at a time, each waiting for its predecessors to be Running and
// Ready; Parallel acts on all at once, but updates still go one at a time as upstream.
import { labelSelectorFromObject } from '@k8ts/api';
import { splitKey, type Clock, type Lister } from '@k8ts/client';
import type { StatefulSet } from 'kubernetes-types/apps/v1';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import { claim, newControllerRef } from '../../controller/controller-ref.ts';
import {
  identityMatches, identityPatch, isCreated, isFinished, isMemberOf, isRunningAndReady, isTerminating, newStatefulSetPod,
  parseOrdinal, podRevision, revisionName, startOrdinal,
} from './identity.ts';
import type { StatefulSetPort } from './stateful-pod-control.ts';
import { computeStatus, isRunningAndAvailable, statusChanged, type Revisions } from './status.ts';

export interface StatefulSetSyncOptions {
  sets: Lister<StatefulSet>;
  pods: Lister<Pod>;
  port: StatefulSetPort;
  clock: Clock;
  /** Look at the set again after `ms` (pods becoming available after minReadySeconds). */
  enqueueAfter(key: string, ms: number): void;
}

const isHealthy = (pod: Pod) => isRunningAndReady(pod) && !isTerminating(pod);

export class StatefulSetSync {
  /**
   * Templates by revision, per set. Without ControllerRevisions the template of a past revision is
   * known only while this process has seen it; a pod below the partition that must be recreated
   * at a revision we never saw is created at the update revision instead.
   */
  readonly #templates = new Map<string, Map<string, PodTemplateSpec>>();

  constructor(private readonly o: StatefulSetSyncOptions) {}

  async sync(key: string): Promise<void> {
    // 1. Read the set; a deleted set leaves nothing to do (the garbage collector removes its pods).
    const set = this.o.sets.get(key);
    if (!set) {
      this.#templates.delete(key);
      return;
    }
    const { namespace } = splitKey(key);
    // 2. Claim the pods whose names and labels say they are the set's.
    const selector = labelSelectorFromObject(set.spec?.selector);
    const candidates = this.o.pods.byNamespace(namespace, (p) => isMemberOf(set, p));
    const pods = await claim(candidates, {
      owner: set, apiVersion: 'apps/v1', kind: 'StatefulSet', selector,
      patch: (pod, patch) => this.o.port.patchPod(namespace, pod.metadata?.name ?? '', patch),
      canAdopt: async () => {
        const fresh = await this.o.port.getSet(namespace, set.metadata?.name ?? '');
        if (!fresh || fresh.metadata?.uid !== set.metadata?.uid) throw new Error(`original StatefulSet ${key} is gone`);
        if (fresh.metadata?.deletionTimestamp) throw new Error(`StatefulSet ${key} is being deleted`);
      },
    });
    // 3. Name the revisions: the update revision is the current template's; the current revision is
    // what the status says, or the update revision when the status names none.
    const rev = this.#revisions(key, set);
    // 4. Act on the pods, then 5. write the status whatever happened.
    let failure: unknown;
    try {
      if (!set.metadata?.deletionTimestamp) await this.#reconcile(set, pods, rev);
    } catch (err) {
      failure = err;
    }
    const now = this.o.clock.now();
    const status = computeStatus(set, pods, rev, now);
    if (statusChanged(set, status)) await this.o.port.updateStatus(set, status);
    if (failure) throw failure;
    const minReady = set.spec?.minReadySeconds ?? 0;
    if (minReady > 0 && status.readyReplicas !== status.availableReplicas) this.o.enqueueAfter(key, minReady * 1000);
  }

  #revisions(key: string, set: StatefulSet): Revisions {
    const update = revisionName(set, set.spec?.template);
    const current = set.status?.currentRevision || update;
    let known = this.#templates.get(key);
    if (!known) this.#templates.set(key, (known = new Map()));
    known.set(update, set.spec!.template);
    for (const r of known.keys()) if (r !== update && r !== current) known.delete(r);
    return { current, update };
  }

  /** The pod for `ordinal` at the revision it should have (upstream's newVersionedStatefulSetPod). */
  #newPod(set: StatefulSet, ordinal: number, rev: Revisions): Pod {
    const ru = set.spec?.updateStrategy?.rollingUpdate;
    const rolling = (set.spec?.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
    const offset = ordinal - startOrdinal(set);
    const wantsCurrent = ru?.partition !== undefined
      ? offset < ru.partition
      : rolling && offset < (set.status?.currentReplicas ?? 0);
    const currentTemplate = this.#templates.get(`${set.metadata?.namespace}/${set.metadata?.name}`)?.get(rev.current);
    const [revision, template] = wantsCurrent && currentTemplate ? [rev.current, currentTemplate] : [rev.update, set.spec!.template];
    return newStatefulSetPod(set, template, revision, ordinal, newControllerRef(set, 'apps/v1', 'StatefulSet'));
  }

  async #reconcile(set: StatefulSet, pods: readonly Pod[], rev: Revisions): Promise<void> {
    const { port } = this.o;
    const now = this.o.clock.now();
    const minReady = set.spec?.minReadySeconds ?? 0;
    const monotonic = (set.spec?.podManagementPolicy ?? 'OrderedReady') !== 'Parallel';
    const start = startOrdinal(set);
    const count = set.spec?.replicas ?? 1;
    // Slots for the wanted ordinals; everything else is condemned, highest ordinal first.
    const replicas: (Pod | undefined)[] = Array.from({ length: count });
    const condemned: Pod[] = [];
    for (const pod of pods) {
      const { ordinal } = parseOrdinal(pod);
      if (ordinal >= start && ordinal < start + count) replicas[ordinal - start] = pod;
      else if (ordinal >= 0) condemned.push(pod);
    }
    condemned.sort((a, b) => parseOrdinal(b).ordinal - parseOrdinal(a).ordinal);
    const firstUnhealthy = [...replicas, ...[...condemned].reverse()].find((p): p is Pod => p !== undefined && !isHealthy(p));

    // a. Each wanted ordinal in order: replace finished pods, create missing ones, and in
    // OrderedReady mode stop at the first pod that is not yet Running, Ready and available.
    for (let i = 0; i < count; i++) {
      const pod = replicas[i];
      if (pod && isFinished(pod)) {
        if (!isTerminating(pod)) await port.deletePod(set, pod);
        if (monotonic) return;
        continue;
      }
      if (!pod || !isCreated(pod)) {
        await port.createPod(set, this.#newPod(set, start + i, rev));
        if (monotonic) return;
        continue;
      }
      if (monotonic && (isTerminating(pod) || !isRunningAndAvailable(pod, minReady, now))) return;
      if (!identityMatches(set, pod)) await port.updatePod(set, pod, identityPatch(pod));
    }
    // b. Condemned pods from the highest ordinal; OrderedReady removes one at a time and only
    // once every other pod is healthy (the first unhealthy pod itself may go).
    for (const pod of condemned) {
      if (isTerminating(pod)) {
        if (monotonic) return;
        continue;
      }
      if (monotonic && pod !== firstUnhealthy && !isRunningAndAvailable(pod, minReady, now)) return;
      await port.deletePod(set, pod);
      if (monotonic) return;
    }
    // c. Rolling update: OnDelete waits for users to delete pods; RollingUpdate deletes the
    // highest-ordinal pod at ordinals ≥ partition whose revision is not the update revision, one at
    // a time, each time waiting for the replacement to be healthy.
    if (set.spec?.updateStrategy?.type === 'OnDelete') return;
    const partition = set.spec?.updateStrategy?.rollingUpdate?.partition ?? 0;
    for (let i = count - 1; i >= partition; i--) {
      const pod = replicas[i];
      if (!pod) return;
      if (podRevision(pod) !== rev.update && !isTerminating(pod)) {
        await port.deletePod(set, pod);
        return;
      }
      if (!isHealthy(pod)) return;
    }
  }
}
