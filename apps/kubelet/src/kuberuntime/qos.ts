// QoS class and the pod's cgroup (upstream pkg/apis/core/v1/helper/qos and
// pkg/kubelet/cm/pod_container_manager_linux.go with the cgroupfs driver and cgroupsPerQOS).
import type { Pod } from 'kubernetes-types/core/v1';
import { posix } from 'node:path';

import { podQOS } from '../status/qos.ts';

export type { QOSClass } from '../status/qos.ts';
/** The pod's QoS class (`status.qosClass` when set, else computed): one implementation, in status/. */
export { podQOS as qosClass, computePodQOS as computeQOS } from '../status/qos.ts';

/**
 * The pod's cgroup under the node's cgroup root (cgroupfs naming): Guaranteed pods sit directly
 * in `kubepods`, the others in `kubepods/burstable` or `kubepods/besteffort`, each in `pod<uid>`.
 */
export function podCgroupParent(pod: Pod, cgroupRoot: string): string {
  const qos = podQOS(pod);
  const tier = qos === 'Guaranteed' ? [] : [qos.toLowerCase()];
  return posix.join('/', cgroupRoot, 'kubepods', ...tier, `pod${pod.metadata?.uid ?? ''}`);
}
