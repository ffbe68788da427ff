// Downward API values for env (upstream kubelet_pods.go podFieldSelectorRuntimeValue,
// pkg/fieldpath and pkg/api/v1/resource ExtractContainerResourceValue).
import { parseQuantity, quantityMilli } from '@k8ts/api';
import type { Container, ObjectFieldSelector, Pod, ResourceFieldSelector } from 'kubernetes-types/core/v1';

export interface PodRuntimeFields {
  podIP: string;
  podIPs: readonly string[];
  hostIP: string;
  hostIPs: readonly string[];
  nodeName: string;
  serviceAccountName: string;
}

/** `metadata.labels['key']` → ['metadata.labels', 'key']. */
function splitSubscript(path: string): [string, string | undefined] {
  const m = /^(.*)\['(.*)'\]$/.exec(path);
  return m ? [m[1] ?? '', m[2] ?? ''] : [path, undefined];
}

/** A map as `key="value"` lines in key order, as upstream FormatMap. */
export function formatMap(map: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(map ?? {})
    .sort()
    .map((k) => `${k}=${JSON.stringify(map?.[k] ?? '')}`)
    .join('\n');
}

/** Throws with upstream's message for paths the downward API does not offer. */
export function fieldRefValue(ref: ObjectFieldSelector, pod: Pod, fields: PodRuntimeFields): string {
  const path = ref.fieldPath;
  switch (path) {
    case 'spec.nodeName':
      return fields.nodeName;
    case 'spec.serviceAccountName':
      return fields.serviceAccountName;
    case 'status.hostIP':
      return fields.hostIPs[0] ?? fields.hostIP;
    case 'status.hostIPs':
      return (fields.hostIPs.length ? fields.hostIPs : [fields.hostIP]).join(',');
    case 'status.podIP':
      return fields.podIPs[0] ?? fields.podIP;
    case 'status.podIPs':
      return fields.podIPs.join(',');
  }
  const m = pod.metadata ?? {};
  const [base, key] = splitSubscript(path);
  if (key !== undefined) {
    if (base === 'metadata.labels') return m.labels?.[key] ?? '';
    if (base === 'metadata.annotations') return m.annotations?.[key] ?? '';
    throw new Error(`fieldPath "${path}" does not support subscript`);
  }
  switch (path) {
    case 'metadata.name':
      return m.name ?? '';
    case 'metadata.namespace':
      return m.namespace ?? '';
    case 'metadata.uid':
      return m.uid ?? '';
    case 'metadata.labels':
      return formatMap(m.labels);
    case 'metadata.annotations':
      return formatMap(m.annotations);
  }
  throw new Error(`unsupported fieldPath: ${path}`);
}

/** What a container without a limit may use: the node's allocatable. */
export type Allocatable = Readonly<Partial<Record<'cpu' | 'memory' | 'ephemeral-storage', string>>>;

/**
 * `limits.cpu`, `requests.memory`, … of the named (or the current) container, divided by the
 * divisor (default 1) and rounded up. A missing limit reads as the node's allocatable amount.
 */
export function resourceFieldRefValue(ref: ResourceFieldSelector, pod: Pod, container: Container, allocatable: Allocatable): string {
  let target = container;
  if (ref.containerName) {
    const found = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].find((c) => c.name === ref.containerName);
    if (!found) throw new Error(`container ${ref.containerName} not found`);
    target = found;
  }
  const dot = ref.resource.indexOf('.');
  const kind = ref.resource.slice(0, dot);
  const name = ref.resource.slice(dot + 1);
  const known = name === 'cpu' || name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-');
  if ((kind !== 'limits' && kind !== 'requests') || !known) throw new Error(`unsupported container resource : ${ref.resource}`);
  let q = target.resources?.[kind]?.[name];
  if (q === undefined && kind === 'limits' && !name.startsWith('hugepages-')) q = allocatable[name as keyof Allocatable];
  const divisor = ref.divisor === undefined || parseQuantity(ref.divisor) === 0 ? '1' : ref.divisor;
  if (name === 'cpu') return String(Math.ceil((quantityMilli(q ?? '0') ?? 0) / (quantityMilli(divisor) ?? 1)));
  const value = Math.ceil(parseQuantity(q ?? '0') ?? 0);
  return String(Math.ceil(value / Math.ceil(parseQuantity(divisor) ?? 1)));
}
