// Cron schedules (upstream cronjob utils.go over robfig/cron's standard parser), computed with
// cron-parser: five fields or an @-descriptor, in spec.timeZone (or a CRON_TZ=/TZ= prefix, which
// upstream parses but warns about), and the schedule times a CronJob has missed.
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** The first schedule time strictly after `t`. */
  next(t: Date): Date;
  /** IANA zone the schedule is read in (UTC when none). */
  timeZone: string;
}

const DESCRIPTORS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);

/** Throws the time zone error as upstream's message text when `tz` is not a known IANA zone. */
export function checkTimeZone(tz: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone ${tz}`);
  }
}

/** Parses `text` in `timeZone`; a `CRON_TZ=`/`TZ=` prefix overrides it. Throws with the parser's complaint. */
export function parseSchedule(text: string, timeZone = 'UTC'): Schedule {
  let expr = text.trim();
  let tz = timeZone;
  const prefix = /^(?:CRON_TZ|TZ)=(\S+)\s+(.*)$/.exec(expr);
  if (prefix) {
    tz = prefix[1]!;
    expr = prefix[2]!.trim();
  }
  checkTimeZone(tz);
  if (expr.startsWith('@')) {
    if (!DESCRIPTORS.has(expr)) throw new Error(`unrecognized descriptor: ${expr}`);
  } else {
    const n = expr.split(/\s+/).length;
    if (n !== 5) throw new Error(`expected exactly 5 fields, found ${n}: ${expr}`);
  }
  CronExpressionParser.parse(expr, { tz });
  return {
    timeZone: tz,
    next: (t) => CronExpressionParser.parse(expr, { currentDate: t, tz }).next().toDate(),
  };
}

/** Whether the schedule text names a zone itself (upstream warns: not officially supported). */
export const hasTimeZonePrefix = (text: string) => /(^|\s)(CRON_TZ|TZ)=/.test(text);

export interface MostRecent {
  /** Where the search started: the last schedule time, the creation time, or now − startingDeadlineSeconds. */
  earliest: Date;
  /** The latest schedule time at or before now, if any was missed since `earliest`. */
  mostRecent?: Date;
  /** More than 100 schedule times were missed (upstream warns). */
  tooManyMissed: boolean;
}

/** upstream mostRecentScheduleTime: the newest unmet schedule time, skipping over long gaps by arithmetic. */
export function mostRecentScheduleTime(
  from: Date, startingDeadlineSeconds: number | undefined, now: Date, s: Schedule, includeDeadline: boolean,
): MostRecent {
  let earliest = from;
  if (includeDeadline && startingDeadlineSeconds !== undefined) {
    const deadline = new Date(now.getTime() - startingDeadlineSeconds * 1000);
    if (deadline > earliest) earliest = deadline;
  }
  const t1 = s.next(earliest);
  if (now < t1) return { earliest, tooManyMissed: false };
  const t2 = s.next(t1);
  if (now < t2) return { earliest, mostRecent: t1, tooManyMissed: false };
  const interval = Math.round((t2.getTime() - t1.getTime()) / 1000);
  if (interval < 1) throw new Error('time difference between two schedules is less than 1 second');
  const missed = Math.floor((now.getTime() - t1.getTime()) / 1000 / interval) + 1;
  let mostRecent = new Date((Math.floor(t1.getTime() / 1000) + (missed - 1) * interval) * 1000);
  // Schedules are not evenly spaced (months, weekdays): walk forward, or back, to the true one.
  if (mostRecent > now) mostRecent = t1;
  for (let t = s.next(mostRecent); t <= now; t = s.next(t)) mostRecent = t;
  return { earliest, mostRecent, tooManyMissed: missed > 100 };
}

/** ms until the sync after the next schedule time (upstream adds 100 ms so the time has surely passed). */
export function nextScheduleDelay(from: Date, now: Date, s: Schedule): number {
  const { earliest, mostRecent } = mostRecentScheduleTime(from, undefined, now, s, false);
  return s.next(mostRecent ?? earliest).getTime() + 100 - now.getTime();
}

/** RFC 3339 in `tz`, as Go's time.Format(time.RFC3339) prints a time in a location ("Z" for UTC). */
export function rfc3339In(t: Date, tz: string): string {
  const parts = Object.fromEntries(new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
  }).formatToParts(t).map((p) => [p.type, p.value]));
  const local = Date.UTC(+parts['year']!, +parts['month']! - 1, +parts['day']!, +parts['hour']!, +parts['minute']!, +parts['second']!);
  const offsetMin = Math.round((local - Math.floor(t.getTime() / 1000) * 1000) / 60_000);
  const wall = `${parts['year']}-${parts['month']}-${parts['day']}T${parts['hour']}:${parts['minute']}:${parts['second']}`;
  if (offsetMin === 0) return `${wall}Z`;
  const abs = Math.abs(offsetMin);
  return `${wall}${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
}

/** Go's time.RFC1123Z in UTC, e.g. "Wed, 01 Jan 2025 00:00:00 +0000". */
export function rfc1123z(t: Date): string {
  return t.toUTCString().replace('GMT', '+0000');
}
