// Which fields each kind exposes to field selectors. Upstream splits this in two and so do we:
// the version's field-label conversion (pkg/apis/<group>/<version>/conversion.go) decides which
// labels a request may name — anything else is a 400 — and the registry's ToSelectableFields
// (pkg/registry/<group>/<kind>/strategy.go) says what each label reads on an object. A kind
// with no conversion of its own accepts only metadata.name and metadata.namespace, which is why
// e.g. ReplicaSets reject status.replicas on a real apps/v1 server.
import { badRequest } from './errors.ts';
import { fieldSelectorFrom, type FieldSelector } from './fields.ts';

type Obj = Record<string, any>;
type Reader = (o: Obj) => unknown;

interface KindFields {
  /** label → what it reads; every label here is accepted */
  read: Record<string, Reader>;
  /** legacy spellings the conversion rewrites before matching */
  aliases?: Record<string, string>;
  /** labels accepted although the registry never sets them (they select as '') */
  acceptedOnly?: string[];
  reject: (label: string) => string;
}

const notSupported = (label: string) => `field label not supported: ${label}`;
const name: Reader = (o) => o['metadata']?.['name'];
const namespace: Reader = (o) => o['metadata']?.['namespace'];
const at =
  (...path: string[]): Reader =>
  (o) =>
    path.reduce<any>((v, k) => (v === undefined || v === null ? undefined : v[k]), o);
// Registries format booleans and counters with strconv, so an unset one reads false / 0, never ''.
const bool = (r: Reader): Reader => (o) => String(r(o) === true);
const int = (r: Reader): Reader => (o) => String(typeof r(o) === 'number' ? r(o) : 0);

const KINDS: Record<string, KindFields> = {
  Pod: {
    read: {
      'metadata.name': name,
      'metadata.namespace': namespace,
      'spec.nodeName': at('spec', 'nodeName'),
      'spec.restartPolicy': at('spec', 'restartPolicy'),
      'spec.schedulerName': at('spec', 'schedulerName'),
      'spec.serviceAccountName': at('spec', 'serviceAccountName'),
      'spec.hostNetwork': bool(at('spec', 'hostNetwork')),
      'status.phase': at('status', 'phase'),
      // The registry reads the first of status.podIPs; status.podIP mirrors it on the wire.
      'status.podIP': (o) => at('status', 'podIPs', '0', 'ip')(o) ?? at('status', 'podIP')(o),
      'status.nominatedNodeName': at('status', 'nominatedNodeName'),
    },
    aliases: { 'spec.host': 'spec.nodeName' },
    acceptedOnly: ['status.podIPs'],
    reject: notSupported,
  },
  Node: {
    read: { 'metadata.name': name, 'spec.unschedulable': bool(at('spec', 'unschedulable')) },
    reject: notSupported,
  },
  Namespace: {
    read: { 'metadata.name': name, 'status.phase': at('status', 'phase') },
    reject: notSupported,
  },
  Secret: {
    read: { 'metadata.name': name, 'metadata.namespace': namespace, type: at('type') },
    reject: notSupported,
  },
  Service: {
    read: {
      'metadata.name': name,
      'metadata.namespace': namespace,
      'spec.clusterIP': at('spec', 'clusterIP'),
      'spec.type': at('spec', 'type'),
    },
    reject: notSupported,
  },
  ReplicationController: {
    read: { 'metadata.name': name, 'metadata.namespace': namespace, 'status.replicas': int(at('status', 'replicas')) },
    reject: notSupported,
  },
  Event: {
    read: {
      'metadata.name': name,
      'metadata.namespace': namespace,
      'involvedObject.kind': at('involvedObject', 'kind'),
      'involvedObject.namespace': at('involvedObject', 'namespace'),
      'involvedObject.name': at('involvedObject', 'name'),
      'involvedObject.uid': at('involvedObject', 'uid'),
      'involvedObject.apiVersion': at('involvedObject', 'apiVersion'),
      'involvedObject.resourceVersion': at('involvedObject', 'resourceVersion'),
      'involvedObject.fieldPath': at('involvedObject', 'fieldPath'),
      reason: at('reason'),
      reportingComponent: at('reportingComponent'),
      // Events from the newer API leave source.component empty and name their reporter instead.
      source: (o) => at('source', 'component')(o) || at('reportingComponent')(o),
      type: at('type'),
    },
    reject: notSupported,
  },
  Job: {
    read: { 'metadata.name': name, 'metadata.namespace': namespace, 'status.successful': int(at('status', 'succeeded')) },
    reject: (label) => `field label ${JSON.stringify(label)} not supported for Job`,
  },
};

const METADATA_ONLY: KindFields = {
  read: { 'metadata.name': name, 'metadata.namespace': namespace },
  reject: (label) => `${JSON.stringify(label)} is not a known field selector: only "metadata.name", "metadata.namespace"`,
};

const fieldsOf = (kind: string): KindFields => KINDS[kind] ?? METADATA_ONLY;

/** The field set a selector for `kind` is matched against; unset strings read as ''. */
export function selectableFields(kind: string, obj: any): Record<string, string> {
  const o: Obj = obj ?? {};
  const out: Record<string, string> = {};
  const k = fieldsOf(kind);
  for (const [label, read] of Object.entries(k.read)) {
    const v = read(o);
    out[label] = v === undefined || v === null ? '' : String(v);
  }
  // Aliases read like their target, so an unconverted selector still matches.
  for (const [alias, target] of Object.entries(k.aliases ?? {})) out[alias] = out[target] ?? '';
  return out;
}

/** The selector with legacy labels rewritten (pods' spec.host); unsupported label → 400. */
export function convertFieldSelector(kind: string, sel: FieldSelector): FieldSelector {
  const k = fieldsOf(kind);
  const reqs = sel.requirements.map((r) => {
    if (Object.hasOwn(k.read, r.field) || k.acceptedOnly?.includes(r.field)) return r;
    const alias = k.aliases?.[r.field];
    if (alias !== undefined) return { ...r, field: alias };
    throw badRequest(k.reject(r.field));
  });
  return reqs.some((r, i) => r !== sel.requirements[i]) ? fieldSelectorFrom(reqs) : sel;
}

/** Throws the 400 upstream returns for a field the kind does not support. */
export function checkFieldSelector(kind: string, sel: FieldSelector): void {
  convertFieldSelector(kind, sel);
}
