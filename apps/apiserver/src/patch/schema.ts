// The merge behaviour of every field path that is not a plain map or scalar, per kind: one table
// read by strategic merge patch (patchStrategy / patchMergeKey struct tags of k8s.io/api) and by
// server-side apply (+listType / +listMapKey / +structType markers). Anything not listed is a
// struct or map merged key by key, and a list replaced as a whole (SMP) / atomic (SSA).

/** How a list merges under SMP: replaced, merged as a set of scalars, or merged by a key field. */
export type SmpList = 'replace' | 'merge' | { mergeKey: string };
/** How a list is owned under SSA: as one value, as a set of scalars, or as a map by key fields. */
export type SsaList = 'atomic' | 'set' | { keys: readonly string[]; defaults?: Readonly<Record<string, unknown>> };

export interface Shape {
  fields?: Readonly<Record<string, Shape>>;
  /** A list field: how it merges, and the shape of its items. */
  list?: { smp: SmpList; ssa: SsaList; item?: Shape };
  /** SSA treats this struct or map as one value (LabelSelector, Service.spec.selector). */
  atomic?: boolean;
  /** A non-pointer Go struct or required list: present (empty) even in a zero object, so an
   *  ordinary write that fills it does not make the writer own the node itself. */
  value?: boolean;
}

const struct = (fields: Record<string, Shape>, extra: Omit<Shape, 'fields'> = {}): Shape => ({ fields, ...extra });
const keyed = (key: string, item?: Shape, ssa?: SsaList): Shape => ({
  list: { smp: { mergeKey: key }, ssa: ssa ?? { keys: [key] }, ...(item ? { item } : {}) },
});
const set: Shape = { list: { smp: 'merge', ssa: 'set' } };
const atomicSelector: Shape = { atomic: true };
const conditions = keyed('type');

const meta = struct(
  {
    finalizers: set,
    ownerReferences: keyed('uid'),
    managedFields: { list: { smp: 'replace', ssa: 'atomic' } },
  },
  { value: true },
);

const container = struct({
  ports: keyed('containerPort', undefined, { keys: ['containerPort', 'protocol'], defaults: { protocol: 'TCP' } }),
  env: keyed('name'),
  volumeMounts: keyed('mountPath'),
  volumeDevices: keyed('devicePath'),
  resources: struct({ claims: keyed('name') }, { value: true }),
});

const podSpec = struct(
  {
    containers: { ...keyed('name', container), value: true },
    initContainers: keyed('name', container),
    ephemeralContainers: keyed('name', container),
    volumes: keyed('name'),
    imagePullSecrets: keyed('name'),
    hostAliases: keyed('ip'),
    topologySpreadConstraints: keyed('topologyKey', undefined, { keys: ['topologyKey', 'whenUnsatisfiable'] }),
    resourceClaims: keyed('name'),
    schedulingGates: keyed('name'),
  },
  { value: true },
);

const podStatus = struct({ conditions, podIPs: keyed('ip'), hostIPs: keyed('ip') }, { value: true });
const podTemplate = struct({ metadata: meta, spec: podSpec }, { value: true });

const workload = (spec: Record<string, Shape>) =>
  struct({
    metadata: meta,
    spec: struct({ selector: atomicSelector, template: podTemplate, ...spec }, { value: true }),
    status: struct({ conditions }, { value: true }),
  });

const plain = struct({ metadata: meta });

const KINDS: Readonly<Record<string, Shape>> = {
  Pod: struct({ metadata: meta, spec: podSpec, status: podStatus }),
  Deployment: workload({ strategy: { value: true } }),
  ReplicaSet: workload({}),
  DaemonSet: workload({ updateStrategy: { value: true } }),
  StatefulSet: workload({ updateStrategy: { value: true }, volumeClaimTemplates: {} }),
  Job: workload({}),
  CronJob: struct({
    metadata: meta,
    spec: struct(
      { jobTemplate: struct({ metadata: meta, spec: struct({ selector: atomicSelector, template: podTemplate }, { value: true }) }, { value: true }) },
      { value: true },
    ),
    status: { value: true },
  }),
  Service: struct({
    metadata: meta,
    spec: struct(
      {
        ports: keyed('port', undefined, { keys: ['port', 'protocol'], defaults: { protocol: 'TCP' } }),
        selector: atomicSelector,
      },
      { value: true },
    ),
    status: struct({ conditions, loadBalancer: { value: true } }, { value: true }),
  }),
  Node: struct({
    metadata: meta,
    spec: struct({ podCIDRs: set }, { value: true }),
    status: struct(
      {
        conditions,
        addresses: { list: { smp: { mergeKey: 'type' }, ssa: 'atomic' } },
        nodeInfo: { value: true },
        daemonEndpoints: struct({ kubeletEndpoint: { value: true } }, { value: true }),
      },
      { value: true },
    ),
  }),
  Namespace: struct({ metadata: meta, spec: { value: true }, status: struct({ conditions }, { value: true }) }),
  PodDisruptionBudget: struct({
    metadata: meta,
    spec: struct({ selector: atomicSelector }, { value: true }),
    status: struct({ conditions }, { value: true }),
  }),
  ServiceAccount: struct({ metadata: meta, secrets: { list: { smp: { mergeKey: 'name' }, ssa: 'atomic' } } }),
};

/** The shape of a kind's objects; kinds without special fields get metadata's rules only. */
export const shapeOf = (kind: string): Shape => KINDS[kind] ?? plain;

/** The shape one level down: a field of a struct, or the item of a list. */
export const fieldShape = (shape: Shape | undefined, name: string): Shape | undefined => shape?.fields?.[name];
export const itemShape = (shape: Shape | undefined): Shape | undefined => shape?.list?.item;

/** The SMP strategy of a list field (`replace` when nothing is declared, as upstream). */
export const smpList = (shape: Shape | undefined): SmpList => shape?.list?.smp ?? 'replace';
/** The SSA list type (`atomic` when nothing is declared, as upstream). */
export const ssaList = (shape: Shape | undefined): SsaList => shape?.list?.ssa ?? 'atomic';
