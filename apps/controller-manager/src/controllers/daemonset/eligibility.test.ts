import type { Node, NodeSelectorTerm, Taint, Toleration } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { nodeMatchesTerms, toleratesTaint } from './eligibility.ts';

describe('toleratesTaint', () => {
  const taint: Taint = { key: 'dedicated', value: 'db', effect: 'NoSchedule' };
  it.each([
    { name: 'equal key, value and effect', t: { key: 'dedicated', value: 'db', effect: 'NoSchedule' }, want: true },
    { name: 'other value', t: { key: 'dedicated', value: 'web' }, want: false },
    { name: 'Exists ignores the value', t: { key: 'dedicated', operator: 'Exists' }, want: true },
    { name: 'other effect', t: { key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }, want: false },
    { name: 'empty key with Exists tolerates everything', t: { operator: 'Exists' }, want: true },
    { name: 'other key', t: { key: 'zone', operator: 'Exists' }, want: false },
  ] as { name: string; t: Toleration; want: boolean }[])('$name', ({ t, want }) => {
    expect(toleratesTaint(t, taint)).toBe(want);
  });
});

describe('nodeMatchesTerms', () => {
  const node: Node = { metadata: { name: 'n1', labels: { zone: 'z1', gpu: '2' } } };
  it.each([
    { name: 'expression In', terms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z1'] }] }], want: true },
    { name: 'terms are ORed', terms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: ['z9'] }] }, { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }], want: true },
    { name: 'parts of a term are ANDed', terms: [{ matchExpressions: [{ key: 'zone', operator: 'Exists' }], matchFields: [{ key: 'metadata.name', operator: 'NotIn', values: ['n1'] }] }], want: false },
    { name: 'Gt compares numbers', terms: [{ matchExpressions: [{ key: 'gpu', operator: 'Gt', values: ['1'] }] }], want: true },
    { name: 'an empty term selects nothing', terms: [{}], want: false },
    { name: 'an invalid field key selects nothing', terms: [{ matchFields: [{ key: 'metadata.uid', operator: 'In', values: ['x'] }] }], want: false },
  ] as { name: string; terms: NodeSelectorTerm[]; want: boolean }[])('$name', ({ terms, want }) => {
    expect(nodeMatchesTerms(node, terms)).toBe(want);
  });
});
