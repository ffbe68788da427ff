// Events: LAST SEEN TYPE REASON OBJECT MESSAGE | SUBOBJECT SOURCE FIRST SEEN COUNT NAME.
// core/v1 Events come from two writers: the legacy recorder (firstTimestamp, lastTimestamp,
// count, source) and events.k8s.io (eventTime, series, reportingComponent); both print alike.

import type { Event } from 'kubernetes-types/core/v1';
import { col, wide } from './columns.ts';
import { since } from './format.ts';
import type { Printer } from './types.ts';

function source(e: Event): string {
  const component = e.source?.component || e.reportingComponent || '';
  const host = e.source?.host || e.reportingInstance || '';
  return host ? `${component}, ${host}` : component;
}

export const eventPrinter: Printer<Event> = {
  columns: [
    col('Last Seen', 'string', 'Time since the event was last observed.'),
    col('Type', 'string', 'Normal or Warning.'),
    col('Reason', 'string', 'Short machine-readable reason for the event.'),
    col('Object', 'string', 'Object the event is about, as kind/name.'),
    wide('Subobject', 'string', 'Field path within the object, e.g. a container.'),
    wide('Source', 'string', 'Component (and host) that reported the event.'),
    col('Message', 'string', 'Human-readable description of the event.'),
    wide('First Seen', 'string', 'Time since the event was first observed.'),
    wide('Count', 'string', 'Number of times the event has occurred.'),
    { name: 'Name', type: 'string', format: 'name', description: 'Name of the event object.', priority: 1 },
  ],
  cells(e, now) {
    const first = e.firstTimestamp ? since(e.firstTimestamp, now) : since(e.eventTime, now);
    let last = e.lastTimestamp ? since(e.lastTimestamp, now) : first;
    let count = e.count ?? 0;
    if (e.series) {
      last = since(e.series.lastObservedTime, now);
      count = e.series.count ?? 0;
    } else if (count === 0) {
      // Events written through events.k8s.io without a series happened once.
      count = 1;
    }
    // Stored objects are validated, but a table must never fail on a sparse one.
    const involved = e.involvedObject ?? {};
    const kind = (involved.kind ?? '').toLowerCase();
    const target = involved.name ? `${kind}/${involved.name}` : kind;
    return [
      last,
      e.type ?? '',
      e.reason ?? '',
      target,
      involved.fieldPath ?? '',
      source(e),
      (e.message ?? '').trim(),
      first,
      count,
      e.metadata?.name ?? '',
    ];
  },
};
