// NodePorts (upstream plugins/nodeports): a pod asking for host ports fits only on nodes where no
// pod holds the same protocol/port on an overlapping address (0.0.0.0 overlaps every address).
import type { Pod } from 'kubernetes-types/core/v1';
import { podHostPorts, type NodeInfo } from '../../framework/node-info.ts';
import { SKIP, SUCCESS, unschedulable, type Status } from '../../framework/status.ts';
import type { CycleState, FilterPlugin, PluginFactory, PreFilterPlugin, PreFilterResult, StateData } from '../../framework/types.ts';

export const NAME = 'NodePorts';
export const ERR_REASON = "node(s) didn't have free ports for the requested pod ports";
const PRE_FILTER_KEY = `PreFilter${NAME}`;

export type HostPort = ReturnType<typeof podHostPorts>[number];

class PreFilterState implements StateData {
  constructor(readonly ports: readonly HostPort[]) {}
  clone(): StateData {
    return this;
  }
}

/** Whether none of `wanted` conflicts with a port already used on the node. */
export const fitsPorts = (wanted: readonly HostPort[], nodeInfo: NodeInfo): boolean =>
  wanted.every((p) => !nodeInfo.usedPorts.conflicts(p.ip, p.protocol, p.port));

export class NodePorts implements PreFilterPlugin, FilterPlugin {
  readonly name = NAME;

  /** Skip for pods without host ports: their Filter has nothing to check. */
  preFilter(state: CycleState, pod: Pod): PreFilterResult {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return { status: SKIP };
    state.write(PRE_FILTER_KEY, new PreFilterState(ports));
    return { status: SUCCESS };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): Status {
    const ports = state.read<PreFilterState>(PRE_FILTER_KEY)?.ports ?? podHostPorts(pod);
    return fitsPorts(ports, nodeInfo) ? SUCCESS : unschedulable(ERR_REASON);
  }
}

export const factory: PluginFactory = () => new NodePorts();
