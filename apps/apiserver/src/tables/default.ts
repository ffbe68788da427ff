// The table of a kind without its own printer: upstream's default convertor, NAME and CREATED AT
// (an RFC 3339 timestamp, which kubectl prints as is).

import { NAME } from './columns.ts';
import type { Printer } from './types.ts';

interface Meta {
  metadata?: { name?: string; creationTimestamp?: string };
}

/** Go's zero time, which is how an unset creationTimestamp formats. */
const ZERO_TIME = '0001-01-01T00:00:00Z';

/** time.RFC3339 in UTC: whole seconds, `Z` suffix. */
export function rfc3339(timestamp: string | undefined): string {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(t)) return ZERO_TIME;
  return new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const defaultPrinter: Printer<Meta> = {
  columns: [NAME, { name: 'Created At', type: 'date', format: '', description: 'Time the object was created (metadata.creationTimestamp).', priority: 0 }],
  cells: (obj) => [obj.metadata?.name ?? '', rfc3339(obj.metadata?.creationTimestamp)],
};
