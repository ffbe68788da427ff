import type { Event } from 'kubernetes-types/core/v1';
import { describe, expect, it } from 'vitest';
import { eventPrinter } from './events.ts';

const now = new Date('2024-05-01T12:00:00Z');
const base: Event = {
  metadata: { name: 'web-1.17c0a' },
  involvedObject: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{nginx}' },
  type: 'Normal',
  reason: 'Pulled',
  message: 'Successfully pulled image "nginx"\n',
};

describe('eventPrinter', () => {
  it('has upstream columns in upstream order', () => {
    expect(eventPrinter.columns.map((c) => `${c.name}:${c.priority}`)).toEqual([
      'Last Seen:0', 'Type:0', 'Reason:0', 'Object:0', 'Subobject:1', 'Source:1', 'Message:0', 'First Seen:1', 'Count:1', 'Name:1',
    ]);
  });

  it.each<{ name: string; e: Event; want: unknown[] }>([
    {
      name: 'legacy recorder event',
      e: { ...base, firstTimestamp: '2024-05-01T11:50:00Z', lastTimestamp: '2024-05-01T11:58:00Z', count: 3, source: { component: 'kubelet', host: 'node-1' } },
      want: ['2m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, node-1', 'Successfully pulled image "nginx"', '10m', 3, 'web-1.17c0a'],
    },
    {
      name: 'events.k8s.io singleton',
      e: { ...base, eventTime: '2024-05-01T11:59:00.000000Z', reportingComponent: 'default-scheduler', reportingInstance: '' },
      want: ['60s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'default-scheduler', 'Successfully pulled image "nginx"', '60s', 1, 'web-1.17c0a'],
    },
    {
      name: 'events.k8s.io series',
      e: { ...base, eventTime: '2024-05-01T11:00:00.000000Z', series: { count: 7, lastObservedTime: '2024-05-01T11:59:50.000000Z' }, reportingComponent: 'kubelet', reportingInstance: 'node-2' },
      want: ['10s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{nginx}', 'kubelet, node-2', 'Successfully pulled image "nginx"', '60m', 7, 'web-1.17c0a'],
    },
    {
      name: 'no timestamps, object without a name',
      e: { ...base, involvedObject: { kind: 'Node' } },
      want: ['<unknown>', 'Normal', 'Pulled', 'node', '', '', 'Successfully pulled image "nginx"', '<unknown>', 1, 'web-1.17c0a'],
    },
  ])('$name', ({ e, want }) => expect(eventPrinter.cells(e, now)).toEqual(want));
});
