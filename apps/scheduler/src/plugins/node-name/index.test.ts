import { describe, expect, it } from 'vitest';
import { NodeInfo } from '../../framework/node-info.ts';
import { makeNode, makePod } from '../../framework/testing.ts';
import { CycleState } from '../../framework/types.ts';
import { NodeName } from './index.ts';

describe('NodeName', () => {
  it.each([
    { name: 'no nodeName', nodeName: undefined, want: { code: 'Success' } },
    { name: 'nodeName is this node', nodeName: 'foo', want: { code: 'Success' } },
    {
      name: 'nodeName is another node',
      nodeName: 'bar',
      want: { code: 'UnschedulableAndUnresolvable', reasons: ["node(s) didn't match the requested node name"] },
    },
  ])('$name', ({ nodeName, want }) => {
    const pod = makePod('p', nodeName ? { node: nodeName } : {});
    expect(new NodeName().filter(new CycleState(), pod, new NodeInfo(makeNode('foo')))).toEqual(want);
  });
});
