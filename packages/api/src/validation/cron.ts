// Standard 5-field cron schedules and @-descriptors as the CronJob controller's parser accepts
// them; messages follow that parser's wording.

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
const FIELDS: { min: number; max: number; names?: string[]; base?: number }[] = [
  { min: 0, max: 59 },
  { min: 0, max: 23 },
  { min: 1, max: 31 },
  { min: 1, max: 12, names: MONTHS, base: 1 },
  { min: 0, max: 6, names: DAYS, base: 0 },
];
const DURATION = /^([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+$/;

function parseValue(s: string, f: (typeof FIELDS)[number]): number | string {
  const named = f.names?.indexOf(s.toLowerCase()) ?? -1;
  if (named >= 0) return named + (f.base ?? 0);
  if (!/^[0-9]+$/.test(s)) return `failed to parse int from ${s}: strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`;
  return Number(s);
}

function checkField(expr: string, f: (typeof FIELDS)[number]): string | undefined {
  for (const part of expr.split(',')) {
    const [range = '', step, extra] = part.split('/');
    if (extra !== undefined) return `too many slashes: ${part}`;
    let lo: number | string = f.min;
    let hi: number | string = f.max;
    if (range !== '*' && range !== '?') {
      const [a = '', b, more] = range.split('-');
      if (more !== undefined) return `too many hyphens: ${range}`;
      lo = parseValue(a, f);
      hi = b === undefined ? lo : parseValue(b, f);
    }
    if (typeof lo === 'string') return lo;
    if (typeof hi === 'string') return hi;
    if (lo < f.min) return `beginning of range (${lo}) below minimum (${f.min}): ${part}`;
    if (hi > f.max) return `end of range (${hi}) above maximum (${f.max}): ${part}`;
    if (lo > hi) return `beginning of range (${lo}) beyond end of range (${hi}): ${part}`;
    if (step !== undefined) {
      const n = parseValue(step, { min: 0, max: 0 });
      if (typeof n === 'string') return n;
      if (n === 0) return `step of range should be a positive number: ${part}`;
    }
  }
  return undefined;
}

/** The parser's error for `schedule`, or undefined when it is a valid schedule. */
export function cronScheduleError(schedule: string): string | undefined {
  const s = schedule.trim();
  if (s === '') return 'empty spec string';
  if (s.startsWith('@')) {
    if (DESCRIPTORS.has(s)) return undefined;
    if (s.startsWith('@every ')) {
      const d = s.slice('@every '.length);
      return DURATION.test(d) ? undefined : `failed to parse duration ${s}: time: invalid duration ${JSON.stringify(d)}`;
    }
    return `unrecognized descriptor: ${s}`;
  }
  const fields = s.split(/\s+/);
  if (fields.length !== 5) return `expected exactly 5 fields, found ${fields.length}: [${fields.join(" ")}]`;
  for (const [i, expr] of fields.entries()) {
    const f = FIELDS[i];
    const err = f && checkField(expr, f);
    if (err) return err;
  }
  return undefined;
}
