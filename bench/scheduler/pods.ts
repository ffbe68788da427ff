// The pods the scheduler benchmarks create.
import type { Pod } from 'kubernetes-types/core/v1';

/** scheduler_perf's pod-default: one container asking for 100m cpu and 500Mi. */
export function basicPod(name: string, namespace = 'bench'): Pod {
  const requests = { cpu: '100m', memory: '500Mi' };
  return {
    apiVersion: 'v1', kind: 'Pod',
    metadata: { name, namespace, labels: { app: 'bench' } },
    spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', ports: [{ containerPort: 80 }], resources: { requests, limits: requests } }] },
  };
}

/** Every pod spread over zones (hard) and preferring other hosts than its siblings (soft). */
export function constrainedPod(name: string): Pod {
  const pod = basicPod(name);
  pod.metadata!.labels = { app: 'spread' };
  pod.spec!.topologySpreadConstraints = [
    { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'spread' } } },
  ];
  pod.spec!.affinity = {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [
        { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'spread' } } } },
      ],
    },
  };
  return pod;
}

/** Asks for a node label no node has: waits in the unschedulable queue for ever. */
export const stuckPod = (name: string): Pod => ({ ...basicPod(name, 'stuck'), spec: { ...basicPod(name).spec!, nodeSelector: { 'bench/never': 'true' } } });

