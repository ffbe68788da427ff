/** A Go-style duration flag value (`5m`, `30s`, `250ms`, `1h`, or a bare number of seconds) in ms; undefined if malformed. */
export function parseDuration(v: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(v);
  if (!m) return undefined;
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] ?? 's'] ?? 1_000;
  return Math.round(Number(m[1]) * unit);
}
