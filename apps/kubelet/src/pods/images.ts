// Getting a container's image onto the node as upstream's image manager does (images/image_manager.go):
// the pull policy decides whether a present image is used or pulled again; a failed pull is
// ErrImagePull, and the next attempts inside the back-off window are ImagePullBackOff, so a
// missing image never hangs a pod. Pulls back off per (image, pod) from 10 s doubling to 5 min.
import { defaultPullPolicy } from '@k8ts/api';
import type { Clock } from '@k8ts/client';
import { isCriError, type ImageService } from '@k8ts/cri';
import type { Container, Pod } from 'kubernetes-types/core/v1';

export type ImageResult =
  | { ok: true; imageRef: string; event: { type: 'Normal'; reason: 'Pulled' | 'Pulling'; message: string } }
  | { ok: false; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string;
      /** When the pod is worth syncing again: ErrImagePull shows for half the back-off, ImagePullBackOff until it ends. */
      retryAfterMs?: number;
      event?: { type: 'Warning' | 'Normal'; reason: 'Failed' | 'BackOff' | 'ErrImageNeverPull' | 'InspectFailed'; message: string } };

/** The container's pull policy; unset (a static pod the API never defaulted) means upstream's default by tag. */
export function pullPolicyOf(container: Container): 'Always' | 'IfNotPresent' | 'Never' {
  const explicit = container.imagePullPolicy;
  return explicit === 'Always' || explicit === 'IfNotPresent' || explicit === 'Never' ? explicit : defaultPullPolicy(container.image);
}

export class ImagePuller {
  /** Told just before each pull starts (the kubelet records upstream's `Pulling image "x"` event). */
  onPull?: (pod: Pod, image: string) => void;
  readonly #backoff = new Map<string, { delayMs: number; failedAt: number }>();

  constructor(
    private readonly images: Pick<ImageService, 'imageStatus' | 'pullImage'>,
    private readonly clock: Clock,
    private readonly initialMs = 10_000,
    private readonly maxMs = 300_000,
  ) {}

  async ensure(pod: Pod, container: Container): Promise<ImageResult> {
    const image = container.image ?? '';
    if (!image) return { ok: false, reason: 'InvalidImageName', message: `Failed to apply default image tag "": couldn't parse image name "": invalid reference format` };
    const policy = pullPolicyOf(container);
    const present = (await this.images.imageStatus({ image })).image;
    if (present && policy !== 'Always') {
      return { ok: true, imageRef: present.id, event: { type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine` } };
    }
    if (policy === 'Never') {
      const message = `Container image "${image}" is not present with pull policy of Never`;
      return { ok: false, reason: 'ErrImageNeverPull', message, event: { type: 'Warning', reason: 'ErrImageNeverPull', message } };
    }
    const key = `${image}/${pod.metadata?.uid ?? ''}`;
    const now = this.clock.now().getTime();
    const entry = this.#backoff.get(key);
    if (entry && now - entry.failedAt < entry.delayMs) {
      const message = `Back-off pulling image "${image}"`;
      const retryAfterMs = Math.max(entry.delayMs - (now - entry.failedAt), 1);
      return { ok: false, reason: 'ImagePullBackOff', message, retryAfterMs, event: { type: 'Normal', reason: 'BackOff', message } };
    }
    try {
      this.onPull?.(pod, image);
      const ref = await this.images.pullImage({ image });
      this.#backoff.delete(key);
      return { ok: true, imageRef: ref, event: { type: 'Normal', reason: 'Pulled', message: `Successfully pulled image "${image}"` } };
    } catch (err) {
      const delayMs = entry ? Math.min(entry.delayMs * 2, this.maxMs) : this.initialMs;
      this.#backoff.set(key, { delayMs, failedAt: now });
      // As Go prints a gRPC error ("rpc error: code = … desc = …"): upstream's waiting message and event text.
      const why = isCriError(err) ? err.toString() : (err as Error).message;
      return {
        ok: false, reason: 'ErrImagePull', message: why, retryAfterMs: delayMs / 2,
        event: { type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${why}` },
      };
    }
  }

  /** Forgets the back-off of a pod that is gone. */
  forgetPod(uid: string): void {
    for (const key of this.#backoff.keys()) if (key.endsWith(`/${uid}`)) this.#backoff.delete(key);
  }
}
