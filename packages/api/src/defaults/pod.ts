// Defaults only a Pod proper gets: SetDefaults_Pod (never applied to templates, so workloads do
// not churn their template hash) and the defaulting admission plugins that run on pods.
import { defaultPodSpec } from './podspec.ts';
import { defaultPointer, items, isObj, struct, type Obj } from './util.ts';

export interface DefaultsOptions {
  /** tolerationSeconds of the not-ready/unreachable tolerations DefaultTolerationSeconds adds; 300 */
  defaultTolerationSeconds?: number;
}

const NOT_READY = 'node.kubernetes.io/not-ready';
const UNREACHABLE = 'node.kubernetes.io/unreachable';
const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** A container that sets limits but not requests for a resource requests what it limits. */
function requestsFromLimits(c: Obj): void {
  const resources = struct(c, 'resources');
  const limits = resources['limits'];
  if (!isObj(limits) || Object.keys(limits).length === 0) return;
  const requests = struct(resources, 'requests');
  for (const [name, q] of Object.entries(limits)) if (!Object.hasOwn(requests, name)) requests[name] = q;
}

/** SetDefaults_Pod: the defaults upstream deliberately keeps out of pod templates. */
function defaultPodOnly(spec: Obj): void {
  for (const c of [...items(spec, 'containers'), ...items(spec, 'initContainers')]) requestsFromLimits(c);
  defaultPointer(spec, 'enableServiceLinks', true);
  if (spec['hostNetwork'] === true) {
    for (const c of [...items(spec, 'containers'), ...items(spec, 'initContainers')]) {
      for (const port of items(c, 'ports')) if (!port['hostPort']) port['hostPort'] = port['containerPort'];
    }
  }
}

/** DefaultTolerationSeconds admission: a pod rides out a NotReady/Unreachable node for a while. */
function admitTolerations(spec: Obj, seconds: number): void {
  const tolerations = items(spec, 'tolerations');
  const tolerates = (key: string) =>
    tolerations.some((t) => (t['key'] === key || !t['key']) && (t['effect'] === 'NoExecute' || !t['effect']));
  const added = [NOT_READY, UNREACHABLE]
    .filter((key) => !tolerates(key))
    .map((key) => ({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: seconds }));
  if (added.length) spec['tolerations'] = [...(Array.isArray(spec['tolerations']) ? spec['tolerations'] : []), ...added];
}

/** ServiceAccount admission's defaulting: a pod runs as `default` unless it names an account. */
function admitServiceAccount(pod: Obj, spec: Obj): void {
  // Mirror pods come from a kubelet's static manifests and may not use service accounts at all.
  const annotations = pod['metadata']?.['annotations'];
  if (isObj(annotations) && Object.hasOwn(annotations, MIRROR_ANNOTATION)) return;
  if (!spec['serviceAccountName']) {
    spec['serviceAccountName'] = 'default';
    spec['serviceAccount'] = 'default';
  }
}

/** Everything a created Pod gets before validation, in upstream's order. */
export function defaultPod(pod: Obj, opts: DefaultsOptions = {}): void {
  const spec = struct(pod, 'spec');
  defaultPodOnly(spec);
  defaultPodSpec(spec);
  admitServiceAccount(pod, spec);
  admitTolerations(spec, opts.defaultTolerationSeconds ?? 300);
}
