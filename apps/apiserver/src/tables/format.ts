// Cell formatting shared by every printer: durations, label maps and selectors, container lists.
// Each function reproduces the text kubectl users see from a real API server.

import type { LabelSelector } from 'kubernetes-types/meta/v1';
import type { Container } from 'kubernetes-types/core/v1';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/**
 * apimachinery's HumanDuration: about two significant figures, e.g. 59s, 2m3s, 10m, 3h4m, 2d3h,
 * 8d, 2y3d. Up to two seconds in the future reads as 0s (clock skew); further is `<invalid>`.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${years}y`;
}

/** Time elapsed since an RFC 3339 timestamp; an absent or unparsable one is `<unknown>`. */
export function since(timestamp: string | undefined | null, now: Date): string {
  const t = timestamp ? Date.parse(timestamp) : Number.NaN;
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(now.getTime() - t);
}

/** Time between two RFC 3339 timestamps (a Job's DURATION). */
export function between(from: string, to: string): string {
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isNaN(ms) ? '<unknown>' : humanDuration(ms);
}

/** `a=1,b=2` sorted by key, `<none>` when empty: labels.FormatLabels. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined): string {
  const s = labelsString(labels);
  return s === '' ? '<none>' : s;
}

function labelsString(labels: Readonly<Record<string, string>> | undefined): string {
  return Object.keys(labels ?? {})
    .sort()
    .map((k) => `${k}=${labels?.[k]}`)
    .join(',');
}

const OPERATORS: Readonly<Record<string, (key: string, values: readonly string[]) => string | undefined>> = {
  In: (k, v) => (v.length ? `${k} in (${[...v].sort().join(',')})` : undefined),
  NotIn: (k, v) => (v.length ? `${k} notin (${[...v].sort().join(',')})` : undefined),
  Exists: (k, v) => (v.length ? undefined : k),
  DoesNotExist: (k, v) => (v.length ? undefined : `!${k}`),
};

/**
 * A LabelSelector as a selector string (requirements sorted by key, values sorted), or
 * undefined when it cannot be converted. A missing selector selects nothing and prints ''.
 */
export function selectorString(sel: LabelSelector | undefined | null): string | undefined {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => ({ key: k, text: `${k}=${v}` }));
  for (const e of sel.matchExpressions ?? []) {
    const text = OPERATORS[e.operator]?.(e.key, e.values ?? []);
    if (text === undefined) return undefined;
    reqs.push({ key: e.key, text });
  }
  return reqs
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: `<none>` for an empty or missing selector, `<error>` if invalid. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  const s = selectorString(sel);
  if (s === undefined) return '<error>';
  return s === '' ? '<none>' : s;
}

/** CONTAINERS and IMAGES cells: names and images, each comma-joined in spec order. */
export function containerCells(containers: readonly Container[] | undefined): [string, string] {
  const list = containers ?? [];
  return [list.map((c) => c.name).join(','), list.map((c) => c.image ?? '').join(',')];
}

/** Up to `max` entries then ` + N more...`; an empty list reads `<unset>` (EndpointSlice cells). */
export function listWithMore(items: readonly string[], max = 3): string {
  const shown = items.slice(0, max).join(',');
  if (items.length > max) return `${shown} + ${items.length - max} more...`;
  return shown === '' ? '<unset>' : shown;
}

/** net.JoinHostPort: IPv6 hosts get brackets. */
export function joinHostPort(host: string, port: number | string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
