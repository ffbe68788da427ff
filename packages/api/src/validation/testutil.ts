import type { StatusCause } from '../errors.ts';

/** `field: message` lines, the shape kubectl prints for an Invalid status. */
export const lines = (causes: StatusCause[]) => causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message));

export const container = (over: Record<string, unknown> = {}) => ({ name: 'app', image: 'nginx', ...over });
export const podSpec = (over: Record<string, unknown> = {}) => ({ containers: [container()], ...over });
export const template = (labels: Record<string, string>, spec: Record<string, unknown> = {}) => ({ metadata: { labels }, spec: podSpec(spec) });
