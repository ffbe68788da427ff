import { describe, expect, it } from 'vitest';
import { validateCreate } from './index.ts';
import { lines, podSpec } from './testutil.ts';

const pod = (affinity: unknown) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: podSpec({ affinity }) });
const A = 'spec.affinity';
const REQ = `${A}.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution`;
const term = (expr: Record<string, unknown>) => ({ nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [expr] }] } } });
const podTerm = (t: Record<string, unknown>) => ({ podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [t] } });

describe('Pod affinity', () => {
  it.each([
    { name: 'valid node and pod affinity', affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }], matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] },
        preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, preference: { matchExpressions: [{ key: 'cpu', operator: 'Gt', values: ['4'] }] } }],
      },
      podAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'a' } } } }] },
    }, want: [] },
    { name: 'no node selector terms', affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [] } } },
      want: [`${REQ}.nodeSelectorTerms: Required value: must have at least one node selector term`] },
    { name: 'In without values', affinity: term({ key: 'zone', operator: 'In' }),
      want: [`${REQ}.nodeSelectorTerms[0].matchExpressions[0].values: Required value: must be specified when \`operator\` is 'In' or 'NotIn'`] },
    { name: 'Exists with values', affinity: term({ key: 'zone', operator: 'Exists', values: ['a'] }),
      want: [`${REQ}.nodeSelectorTerms[0].matchExpressions[0].values: Forbidden: may not be specified when \`operator\` is 'Exists' or 'DoesNotExist'`] },
    { name: 'Gt with a word', affinity: term({ key: 'cpu', operator: 'Gt', values: ['many'] }),
      want: [`${REQ}.nodeSelectorTerms[0].matchExpressions[0].values[0]: Invalid value: "many": must be an integer`] },
    { name: 'unknown operator', affinity: term({ key: 'zone', operator: 'Near', values: ['a'] }),
      want: [`${REQ}.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: "Near": not a valid selector operator`] },
    { name: 'preferred weight out of range', affinity: { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 0, preference: {} }] } },
      want: [`${A}.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100`] },
    { name: 'pod anti-affinity without topologyKey', affinity: podTerm({ labelSelector: { matchLabels: { app: 'a' } } }),
      want: [`${A}.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey: Required value: can not be empty`] },
  ])('$name', ({ affinity, want }) => {
    expect(lines(validateCreate('Pod', pod(affinity)))).toEqual(want);
  });
});

describe('Pod topology spread constraints', () => {
  const TS = 'spec.topologySpreadConstraints';
  const spread = (c: Record<string, unknown>[]) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: podSpec({ topologySpreadConstraints: c }) });
  const ok = { maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'DoNotSchedule', labelSelector: { matchLabels: { app: 'a' } } };
  it.each([
    { name: 'valid', c: [ok, { ...ok, whenUnsatisfiable: 'ScheduleAnyway' }], want: [] },
    { name: 'zero maxSkew', c: [{ ...ok, maxSkew: 0 }], want: [`${TS}[0].maxSkew: Invalid value: 0: must be greater than zero`] },
    { name: 'no topologyKey', c: [{ ...ok, topologyKey: '' }], want: [`${TS}[0].topologyKey: Required value: can not be empty`] },
    { name: 'unknown action', c: [{ ...ok, whenUnsatisfiable: 'Sometimes' }], want: [`${TS}[0].whenUnsatisfiable: Unsupported value: "Sometimes": supported values: "DoNotSchedule", "ScheduleAnyway"`] },
    { name: 'duplicate key and action', c: [ok, ok], want: [`${TS}[1].{topologyKey, whenUnsatisfiable}: Duplicate value: "{topology.kubernetes.io/zone, DoNotSchedule}"`] },
  ])('$name', ({ c, want }) => {
    expect(lines(validateCreate('Pod', spread(c)))).toEqual(want);
  });
});
