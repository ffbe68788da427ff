// Every in-tree plugin by its upstream name (upstream's plugins/registry.go). A profile's plugin
// names are looked up here; the framework builds each once. PrioritySort is not here: the
// scheduling queue orders pods itself.
import * as defaultBinder from '../plugins/default-binder/index.ts';
import * as defaultPreemption from '../plugins/default-preemption/index.ts';
import * as imageLocality from '../plugins/image-locality/index.ts';
import * as interPodAffinity from '../plugins/inter-pod-affinity/index.ts';
import * as nodeAffinity from '../plugins/node-affinity/index.ts';
import * as nodeName from '../plugins/node-name/index.ts';
import * as nodePorts from '../plugins/node-ports/index.ts';
import * as balancedAllocation from '../plugins/node-resources-balanced-allocation/index.ts';
import * as nodeResourcesFit from '../plugins/node-resources-fit/index.ts';
import * as nodeUnschedulable from '../plugins/node-unschedulable/index.ts';
import * as podTopologySpread from '../plugins/pod-topology-spread/index.ts';
import * as taintToleration from '../plugins/taint-toleration/index.ts';
import type { PluginFactory } from './types.ts';

export type Registry = ReadonlyMap<string, PluginFactory>;

const IN_TREE: readonly { readonly NAME: string; readonly factory: PluginFactory }[] = [
  nodeUnschedulable,
  nodeName,
  nodeAffinity,
  taintToleration,
  nodePorts,
  nodeResourcesFit,
  balancedAllocation,
  imageLocality,
  interPodAffinity,
  podTopologySpread,
  defaultPreemption,
  defaultBinder,
];

/** Fails on a name registered twice, as upstream's Registry.Register does. */
export function inTreeRegistry(): Registry {
  const r = new Map<string, PluginFactory>();
  for (const p of IN_TREE) {
    if (r.has(p.NAME)) throw new Error(`a plugin named ${p.NAME} already exists`);
    r.set(p.NAME, p.factory);
  }
  return r;
}
