// NodeName (upstream plugins/nodename): a pod that names its node (spec.nodeName) fits only there.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SUCCESS, unresolvable, type Status } from '../../framework/status.ts';
import type { CycleState, FilterPlugin, PluginFactory } from '../../framework/types.ts';

export const NAME = 'NodeName';
export const ERR_REASON = "node(s) didn't match the requested node name";

/** Whether the pod may run on the node as far as spec.nodeName goes. */
export const fits = (pod: Pod, nodeInfo: NodeInfo): boolean => !pod.spec?.nodeName || pod.spec.nodeName === nodeInfo.name;

export class NodeName implements FilterPlugin {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    return fits(pod, nodeInfo) ? SUCCESS : unresolvable(ERR_REASON);
  }
}

export const factory: PluginFactory = () => new NodeName();
