// API timestamps are RFC 3339 with whole seconds (metav1.Time); CRI times are int64 nanoseconds
// as decimal strings. A CRI zero ("0") is the Unix epoch, not "unset", exactly as upstream shows
// a container that never started: `startedAt: 1970-01-01T00:00:00Z`.

export function apiTime(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export function nanosToApiTime(ns: string): string {
  const seconds = BigInt(ns || '0') / 1_000_000_000n;
  return apiTime(new Date(Number(seconds) * 1000));
}
