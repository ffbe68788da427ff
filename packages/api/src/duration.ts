// Durations on the command line, as Go's time.ParseDuration writes them: one or more
// number+unit pairs ("10s", "1m30s", "1.5h", "250ms"); a bare number means seconds (as the
// flags of our components always took it). Resolves to milliseconds, undefined when malformed.
const UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

export function parseDuration(v: string): number | undefined {
  if (/^\d+(?:\.\d+)?$/.test(v)) return Math.round(Number(v) * 1_000);
  if (v === '' || !/^(?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+$/.test(v)) return undefined;
  let total = 0;
  for (const [, n, unit] of v.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(n) * (UNITS[unit!] ?? 0);
  return Math.round(total);
}
