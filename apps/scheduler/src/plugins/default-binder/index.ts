// DefaultBinder: the Bind plugin that commits a scheduling decision by posting the pod's
// binding (pods/<name>/binding) through the handle. The API server may still refuse it (the pod
// was deleted, or someone else bound it first); that surfaces as an Error status so the
// scheduler forgets its assumption and requeues the pod.
import { asError, SUCCESS, withPlugin, type Status } from '../../framework/status.ts';
import type { BindPlugin, CycleState, Handle, Pod, PluginFactory } from '../../framework/types.ts';

export const NAME = 'DefaultBinder';

export class DefaultBinder implements BindPlugin {
  readonly name = NAME;
  readonly #handle: Handle;

  constructor(handle: Handle) {
    this.#handle = handle;
  }

  async bind(_state: CycleState, pod: Pod, nodeName: string): Promise<Status> {
    try {
      await this.#handle.bindPod(pod, nodeName);
      return SUCCESS;
    } catch (e) {
      return withPlugin(asError(e), NAME);
    }
  }
}

export const factory: PluginFactory = (_args, handle) => new DefaultBinder(handle);
