// NodeUnschedulable (upstream plugins/nodeunschedulable): a cordoned node (spec.unschedulable)
// takes only pods that tolerate the node.kubernetes.io/unschedulable:NoSchedule taint, the taint
// the node lifecycle controller puts on such nodes.
import type { Pod } from 'kubernetes-types/core/v1';
import type { NodeInfo } from '../../framework/node-info.ts';
import { SUCCESS, unresolvable, type Status } from '../../framework/status.ts';
import type { CycleState, FilterPlugin, PluginFactory } from '../../framework/types.ts';
import { tolerationsTolerateTaint } from '../taint-toleration/tolerations.ts';

export const NAME = 'NodeUnschedulable';
export const ERR_REASON_UNKNOWN_CONDITION = 'node(s) had unknown conditions';
export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';
export const TAINT_NODE_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

export class NodeUnschedulable implements FilterPlugin {
  readonly name = NAME;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    if (!nodeInfo.node) return unresolvable(ERR_REASON_UNKNOWN_CONDITION);
    if (!nodeInfo.unschedulable) return SUCCESS;
    const tolerated = tolerationsTolerateTaint(pod.spec?.tolerations, { key: TAINT_NODE_UNSCHEDULABLE, effect: 'NoSchedule' });
    return tolerated ? SUCCESS : unresolvable(ERR_REASON_UNSCHEDULABLE);
  }
}

export const factory: PluginFactory = () => new NodeUnschedulable();
