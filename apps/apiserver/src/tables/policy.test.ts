import { describe, expect, it } from 'vitest';
import { podDisruptionBudgetPrinter, priorityClassPrinter } from './policy.ts';

const now = new Date('2024-05-01T12:00:00Z');
const metadata = { name: 'x', creationTimestamp: '2024-04-20T12:00:00Z' };

describe('podDisruptionBudgetPrinter', () => {
  it.each([
    { name: 'min available count', pdb: { metadata, spec: { minAvailable: 2 }, status: { disruptionsAllowed: 1, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 } }, want: ['x', '2', 'N/A', 1, '11d'] },
    { name: 'max unavailable percentage', pdb: { metadata, spec: { maxUnavailable: '25%' } }, want: ['x', 'N/A', '25%', 0, '11d'] },
  ])('$name', ({ pdb, want }) => expect(podDisruptionBudgetPrinter.cells(pdb, now)).toEqual(want));
});

describe('priorityClassPrinter', () => {
  it.each([
    {
      name: 'system class',
      pc: { metadata, value: 2000001000, globalDefault: false, preemptionPolicy: 'PreemptLowerPriority' },
      want: ['x', 2000001000, false, '11d', 'PreemptLowerPriority'],
    },
    { name: 'global default without policy', pc: { metadata, value: 10, globalDefault: true }, want: ['x', 10, true, '11d', ''] },
  ])('$name', ({ pc, want }) => expect(priorityClassPrinter.cells(pc, now)).toEqual(want));

  it('sends PreemptionPolicy as a regular column', () => {
    expect(priorityClassPrinter.columns.map((c) => `${c.name}:${c.type}:${c.priority}`)).toEqual([
      'Name:string:0', 'Value:integer:0', 'Global-Default:boolean:0', 'Age:string:0', 'PreemptionPolicy:string:0',
    ]);
  });
});
