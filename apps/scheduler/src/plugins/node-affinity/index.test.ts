import type { NodeAffinity as NodeAffinitySpec, NodeSelectorRequirement, NodeSelectorTerm, PreferredSchedulingTerm } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState, type NodeScore } from '../../framework/types.ts';
import { NodeAffinity, nodeMatchesNodeSelectorTerms, podMatchesNodeSelectorAndAffinityTerms } from './index.ts';

const expr = (key: string, operator: string, ...values: string[]): NodeSelectorRequirement => ({ key, operator, values });
const required = (...nodeSelectorTerms: NodeSelectorTerm[]): NodeAffinitySpec => ({
  requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms },
});
const podWith = (o: { nodeSelector?: Record<string, string>; nodeAffinity?: NodeAffinitySpec }) =>
  makePod('p', { spec: { ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}), ...(o.nodeAffinity ? { affinity: { nodeAffinity: o.nodeAffinity } } : {}) } });

const rejected = { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match Pod's node affinity/selector"] };
const ok = { code: 'Success' };

describe('NodeAffinity filter', () => {
  it.each([
    { name: 'no selector, no affinity', labels: {}, pod: {}, want: ok },
    { name: 'nodeSelector missing label', labels: {}, pod: { nodeSelector: { foo: 'bar' } }, want: rejected },
    { name: 'nodeSelector matches', labels: { foo: 'bar', x: 'y' }, pod: { nodeSelector: { foo: 'bar' } }, want: ok },
    { name: 'nodeSelector partly matches', labels: { foo: 'bar' }, pod: { nodeSelector: { foo: 'bar', baz: 'blah' } }, want: rejected },
    { name: 'In matches', labels: { foo: 'bar' }, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'In', 'value1', 'bar')] }) }, want: ok },
    { name: 'In without the label', labels: {}, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'In', 'bar')] }) }, want: rejected },
    { name: 'NotIn without the label', labels: {}, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'NotIn', 'bar')] }) }, want: ok },
    { name: 'NotIn with the value', labels: { foo: 'bar' }, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'NotIn', 'bar')] }) }, want: rejected },
    { name: 'Exists', labels: { foo: '' }, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'Exists')] }) }, want: ok },
    { name: 'DoesNotExist', labels: { foo: 'x' }, pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'DoesNotExist')] }) }, want: rejected },
    { name: 'Gt matches', labels: { gpus: '4' }, pod: { nodeAffinity: required({ matchExpressions: [expr('gpus', 'Gt', '2')] }) }, want: ok },
    { name: 'Gt equal', labels: { gpus: '2' }, pod: { nodeAffinity: required({ matchExpressions: [expr('gpus', 'Gt', '2')] }) }, want: rejected },
    { name: 'Lt matches', labels: { gpus: '1' }, pod: { nodeAffinity: required({ matchExpressions: [expr('gpus', 'Lt', '2')] }) }, want: ok },
    { name: 'Gt on a non-numeric label', labels: { gpus: 'many' }, pod: { nodeAffinity: required({ matchExpressions: [expr('gpus', 'Gt', '2')] }) }, want: rejected },
    {
      name: 'expressions of a term are ANDed',
      labels: { foo: 'bar' },
      pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'In', 'bar'), expr('zone', 'Exists')] }) },
      want: rejected,
    },
    {
      name: 'terms are ORed',
      labels: { zone: 'a' },
      pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'In', 'bar')] }, { matchExpressions: [expr('zone', 'Exists')] }) },
      want: ok,
    },
    { name: 'an empty term matches nothing', labels: { foo: 'bar' }, pod: { nodeAffinity: required({}) }, want: rejected },
    { name: 'no terms match nothing', labels: { foo: 'bar' }, pod: { nodeAffinity: required() }, want: rejected },
    {
      name: 'an invalid term is dropped, the others still count',
      labels: { zone: 'a' },
      pod: { nodeAffinity: required({ matchExpressions: [expr('foo', 'Gt', 'x')] }, { matchExpressions: [expr('zone', 'In', 'a')] }) },
      want: ok,
    },
    {
      name: 'nodeSelector and affinity must both match',
      labels: { zone: 'a' },
      pod: { nodeSelector: { foo: 'bar' }, nodeAffinity: required({ matchExpressions: [expr('zone', 'In', 'a')] }) },
      want: rejected,
    },
    { name: 'matchFields on the node name', labels: {}, pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'node1')] }) }, want: ok },
    { name: 'matchFields on another name', labels: {}, pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'node2')] }) }, want: rejected },
    { name: 'matchFields NotIn', labels: {}, pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'NotIn', 'node2')] }) }, want: ok },
    {
      name: 'matchFields and matchExpressions are ANDed',
      labels: { foo: 'bar' },
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'node1')], matchExpressions: [expr('foo', 'In', 'baz')] }) },
      want: rejected,
    },
    { name: 'matchFields on another field is invalid', labels: {}, pod: { nodeAffinity: required({ matchFields: [expr('metadata.uid', 'In', 'x')] }) }, want: rejected },
  ] as { name: string; labels: Record<string, string>; pod: Parameters<typeof podWith>[0]; want: object }[])('$name', ({ labels, pod, want }) => {
    const pl = new NodeAffinity();
    const state = new CycleState();
    const p = podWith(pod);
    const node = new NodeInfo(makeNode('node1', { labels }));
    const pre = pl.preFilter(state, p);
    // Skip means the framework does not run this Filter: the pod fits as far as this plugin goes.
    expect(pre.status.code === 'Skip' ? ok : pl.filter(state, p, node)).toEqual(want);
    expect(pl.filter(new CycleState(), p, node)).toEqual(want);
    expect(podMatchesNodeSelectorAndAffinityTerms(p, node.node!)).toBe(want === ok);
  });

  it('addedAffinity is enforced on every pod', () => {
    const pl = new NodeAffinity({ addedAffinity: required({ matchExpressions: [expr('pool', 'In', 'batch')] }) });
    const pod = podWith({});
    const state = new CycleState();
    expect(pl.preFilter(state, pod).status).toEqual(ok);
    expect(pl.filter(state, pod, new NodeInfo(makeNode('a', { labels: { pool: 'batch' } })))).toEqual(ok);
    expect(pl.filter(state, pod, new NodeInfo(makeNode('b')))).toEqual({
      code: 'UnschedulableAndUnresolvable',
      reasons: ["node(s) didn't match scheduler-enforced node affinity"],
    });
  });

  it('nodeMatchesNodeSelectorTerms', () => {
    const node = makeNode('n', { labels: { zone: 'a' } });
    expect(nodeMatchesNodeSelectorTerms(node, [{ matchExpressions: [expr('zone', 'In', 'a')] }])).toBe(true);
    expect(nodeMatchesNodeSelectorTerms(node, [{ matchExpressions: [expr('zone', 'Bogus', 'a')] }])).toBe(false);
    expect(nodeMatchesNodeSelectorTerms(node, [])).toBe(false);
  });
});

describe('NodeAffinity preFilter', () => {
  it.each([
    { name: 'no affinity: Skip', pod: {}, want: { status: { code: 'Skip' } } },
    { name: 'nodeSelector only', pod: { nodeSelector: { a: 'b' } }, want: { status: ok } },
    {
      name: 'one term pins node names',
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'n1')] }) },
      want: { status: ok, nodeNames: new Set(['n1']) },
    },
    {
      name: 'pins within a term intersect',
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'n1'), expr('metadata.name', 'In', 'n1')] }) },
      want: { status: ok, nodeNames: new Set(['n1']) },
    },
    {
      name: 'pins of several terms are united',
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'n1')] }, { matchFields: [expr('metadata.name', 'In', 'n2')] }) },
      want: { status: ok, nodeNames: new Set(['n1', 'n2']) },
    },
    {
      name: 'a term without a pin allows every node',
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'n1')] }, { matchExpressions: [expr('zone', 'Exists')] }) },
      want: { status: ok },
    },
    {
      name: 'conflicting pins',
      pod: { nodeAffinity: required({ matchFields: [expr('metadata.name', 'In', 'n1'), expr('metadata.name', 'In', 'n2')] }) },
      want: { status: { code: 'UnschedulableAndUnresolvable', reasons: ['pod affinity terms conflict'] } },
    },
  ] as { name: string; pod: Parameters<typeof podWith>[0]; want: object }[])('$name', ({ pod, want }) => {
    expect(new NodeAffinity().preFilter(new CycleState(), podWith(pod))).toEqual(want);
  });
});

describe('NodeAffinity score', () => {
  const preferred = (weight: number, ...matchExpressions: NodeSelectorRequirement[]): PreferredSchedulingTerm => ({ weight, preference: { matchExpressions } });
  const nodes = [
    makeNode('n1', { labels: { foo: 'bar' } }),
    makeNode('n2', { labels: { key: 'value' } }),
    makeNode('n3', { labels: { foo: 'bar', key: 'value', az: 'az1' } }),
  ];
  it.each([
    { name: 'no preferences: Skip', terms: undefined, added: [], want: 'Skip' },
    { name: 'one preference', terms: [preferred(2, expr('foo', 'In', 'bar'))], added: [], want: [100, 0, 100] },
    {
      name: 'weights add up and normalize to the best node',
      terms: [preferred(2, expr('foo', 'In', 'bar')), preferred(4, expr('key', 'In', 'value')), preferred(5, expr('az', 'In', 'az1'))],
      added: [],
      want: [18, 36, 100],
    },
    { name: 'a zero-weight term is ignored', terms: [preferred(0, expr('foo', 'In', 'bar'))], added: [], want: [0, 0, 0] },
    { name: 'no node matches', terms: [preferred(3, expr('nope', 'Exists'))], added: [], want: [0, 0, 0] },
    {
      name: 'added preferences count with the pod own',
      terms: [preferred(1, expr('foo', 'In', 'bar'))],
      added: [preferred(3, expr('key', 'In', 'value'))],
      want: [25, 75, 100],
    },
    { name: 'added preferences alone', terms: undefined, added: [preferred(3, expr('key', 'In', 'value'))], want: [0, 100, 100] },
  ] as { name: string; terms: PreferredSchedulingTerm[] | undefined; added: PreferredSchedulingTerm[]; want: number[] | 'Skip' }[])(
    '$name',
    ({ terms, added, want }) => {
      const pl = new NodeAffinity({ addedAffinity: { preferredDuringSchedulingIgnoredDuringExecution: added } });
      const pod = podWith(terms ? { nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: terms } } : {});
      const state = new CycleState();
      const infos = nodes.map((n) => new NodeInfo(n));
      const pre = pl.preScore(state, pod);
      if (want === 'Skip') return expect(pre).toEqual({ code: 'Skip' });
      expect(pre).toEqual(ok);
      const scores: NodeScore[] = infos.map((n) => ({ name: n.name, score: pl.score(state, pod, n) }));
      pl.normalizeScore(state, pod, scores);
      expect(scores.map((s) => s.score)).toEqual(want);
    },
  );

  it('an invalid preferred term fails PreScore', () => {
    const pod = podWith({ nodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [preferred(1, expr('foo', 'Gt', 'x'))] } });
    expect(new NodeAffinity().preScore(new CycleState(), pod).code).toBe('Error');
  });
});
