// The port controllers create and delete pods through (upstream's controller.PodControlInterface),
// with the Events upstream records (SuccessfulCreate/FailedCreate, SuccessfulDelete/FailedDelete),
// and a recording fake for sync tests.
import { ApiError, resourceFor } from '@k8ts/api';
import type { Client, EventRecorder } from '@k8ts/client';
import type { Pod, PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { OwnerReference } from 'kubernetes-types/meta/v1';
import type { Owned } from './controller-ref.ts';

export const PODS = resourceFor('', 'v1', 'pods')!;

export interface PodControl {
  /** Creates a pod from `template` owned by `owner` through `controllerRef`. */
  createPod(namespace: string, template: PodTemplateSpec, owner: Owned, controllerRef: OwnerReference, o?: { name?: string; nodeName?: string }): Promise<Pod>;
  deletePod(namespace: string, name: string, owner: Owned): Promise<void>;
  /** A strategic merge patch (adoption/release, labels). */
  patchPod(namespace: string, name: string, patch: unknown): Promise<void>;
}

/** upstream's GetPodFromTemplate: the pod a controller creates from its template. */
export function podFromTemplate(template: PodTemplateSpec, owner: Owned, controllerRef: OwnerReference, o: { name?: string; nodeName?: string } = {}): Pod {
  const meta = template.metadata ?? {};
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      ...(o.name ? { name: o.name } : { generateName: `${owner.metadata?.name ?? ''}-` }),
      namespace: owner.metadata?.namespace ?? 'default',
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef],
    },
    spec: structuredClone(template.spec ?? { containers: [] }),
  };
  if (o.nodeName) pod.spec!.nodeName = o.nodeName;
  return pod;
}

const kindOf = (o: Owned) => o.kind ?? 'Object';

export class ApiPodControl implements PodControl {
  constructor(private readonly client: Client, private readonly recorder: EventRecorder) {}

  async createPod(namespace: string, template: PodTemplateSpec, owner: Owned, ref: OwnerReference, o: { name?: string; nodeName?: string } = {}): Promise<Pod> {
    const pod = podFromTemplate(template, owner, ref, o);
    if (!pod.metadata?.labels || Object.keys(pod.metadata.labels).length === 0) throw new Error('unable to create pods, no labels');
    try {
      const created = await this.client.create<Pod>(PODS, pod, { namespace });
      this.recorder.event(owner, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata?.name}`);
      return created;
    } catch (err) {
      // A namespace being deleted refuses new pods; that is expected, not worth an event.
      if (!(err instanceof ApiError && err.code === 403 && /being terminated/.test(err.message)))
        this.recorder.event(owner, 'Warning', 'FailedCreate', `Error creating: ${(err as Error).message}`);
      throw err;
    }
  }

  async deletePod(namespace: string, name: string, owner: Owned): Promise<void> {
    try {
      await this.client.delete(PODS, name, { namespace });
    } catch (err) {
      if (err instanceof ApiError && err.code === 404) return;
      this.recorder.event(owner, 'Warning', 'FailedDelete', `Error deleting: ${(err as Error).message}`);
      throw err;
    }
    this.recorder.event(owner, 'Normal', 'SuccessfulDelete', `Deleted pod: ${name}`);
  }

  async patchPod(namespace: string, name: string, patch: unknown): Promise<void> {
    await this.client.patch(PODS, name, patch, 'strategic', { namespace });
  }
}

export interface RecordedCall {
  verb: 'create' | 'delete' | 'patch';
  namespace: string;
  name?: string;
  pod?: Pod;
  patch?: unknown;
  owner?: string;
}

/** Records every call; `failCreates`/`failDeletes` make the next N calls throw. */
export class FakePodControl implements PodControl {
  readonly calls: RecordedCall[] = [];
  failCreates = 0;
  failDeletes = 0;
  #n = 0;

  async createPod(namespace: string, template: PodTemplateSpec, owner: Owned, ref: OwnerReference, o: { name?: string; nodeName?: string } = {}): Promise<Pod> {
    if (this.failCreates > 0) {
      this.failCreates--;
      throw new ApiError(500, 'InternalError', 'fake create failure');
    }
    const pod = podFromTemplate(template, owner, ref, o);
    const name = pod.metadata?.name ?? `${pod.metadata?.generateName}${(++this.#n).toString(36).padStart(5, '0')}`;
    const created: Pod = { ...pod, metadata: { ...pod.metadata, name, uid: `uid-${name}` } };
    this.calls.push({ verb: 'create', namespace, name, pod: created, owner: owner.metadata?.name });
    return created;
  }

  async deletePod(namespace: string, name: string, owner: Owned): Promise<void> {
    if (this.failDeletes > 0) {
      this.failDeletes--;
      throw new ApiError(500, 'InternalError', 'fake delete failure');
    }
    this.calls.push({ verb: 'delete', namespace, name, owner: owner.metadata?.name });
  }

  async patchPod(namespace: string, name: string, patch: unknown): Promise<void> {
    this.calls.push({ verb: 'patch', namespace, name, patch });
  }

  get creates() {
    return this.calls.filter((c) => c.verb === 'create');
  }

  get deletes() {
    return this.calls.filter((c) => c.verb === 'delete');
  }
}
