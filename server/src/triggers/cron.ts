import cronParser from 'cron-parser';

/*
 * Cron expressions, read with cron-parser: the library (and version) BullMQ's job schedulers read
 * them with, so a schedule ticks at the same instants whether Redis drives it or the SQLite scheduler.
 */

/** A checked schedule: what the next ticks are, in epoch milliseconds. */
export interface CronSchedule {
  readonly cron: string;
  readonly timezone: string;
  /** The first tick strictly after `after`. */
  next(after: number): number;
  /**
   * The ticks from `from` to `to`, both included, oldest first; at most `limit` of them, with
   * `more` set when there were others after those.
   */
  between(from: number, to: number, limit: number): { ticks: number[]; more: boolean };
}

export type CronCheck =
  | { ok: true; schedule: CronSchedule }
  | { ok: false; field: 'cron' | 'timezone'; message: string };

const FIELD_NAMES_5 = ['minute', 'hour', 'day of month', 'month', 'day of week'];
const FIELD_NAMES_6 = ['second', ...FIELD_NAMES_5];

/**
 * The time zone's canonical IANA name (`europe/paris` → `Europe/Paris`); undefined when Intl does
 * not know it. `UTC` is accepted.
 */
export function canonicalTimeZone(timezone: string): string | undefined {
  if (timezone.trim() === '') return undefined;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Checks a cron expression (five fields, or six with seconds first, or a `@daily`-style alias) read
 * in an IANA time zone. A refusal names the field (`cron` or `timezone`) and, for a bad expression,
 * the part of it and its position, e.g. `cron: "61" at position 1 (minute): …`.
 *
 * @example
 * const check = checkCron('0 3 * * *', 'Europe/Paris');
 * if (check.ok) check.schedule.next(Date.now());
 */
export function checkCron(cron: string, timezone: string): CronCheck {
  const zone = canonicalTimeZone(timezone);
  if (zone === undefined) {
    return {
      ok: false,
      field: 'timezone',
      message: `timezone: "${timezone}" is not an IANA time zone (e.g. Europe/Paris, UTC)`,
    };
  }
  const expression = cron.trim();
  if (!expression.startsWith('@')) {
    const fields = expression.split(/\s+/);
    if (expression === '' || fields.length < 5 || fields.length > 6) {
      return {
        ok: false,
        field: 'cron',
        message: `cron: "${cron}" has ${expression === '' ? 0 : fields.length} fields; write 5 (minute hour day-of-month month day-of-week) or 6 (with seconds first)`,
      };
    }
    const fault = faultyField(expression, fields, zone);
    if (fault !== undefined) return { ok: false, field: 'cron', message: fault };
  }
  try {
    cronParser.parseExpression(expression, { tz: zone }).next();
  } catch (error) {
    return { ok: false, field: 'cron', message: `cron: "${cron}" is invalid: ${messageOf(error)}` };
  }
  return { ok: true, schedule: cronSchedule(expression, zone) };
}

/** The first field that cron-parser refuses on its own (the others set to `*`), with its position. */
function faultyField(expression: string, fields: string[], zone: string): string | undefined {
  const names = fields.length === 6 ? FIELD_NAMES_6 : FIELD_NAMES_5;
  let offset = 0;
  for (const [index, field] of fields.entries()) {
    const position = expression.indexOf(field, offset) + 1;
    offset = position - 1 + field.length;
    const alone = fields.map((other, at) => (at === index ? other : '*')).join(' ');
    try {
      cronParser.parseExpression(alone, { tz: zone });
    } catch (error) {
      return `cron: "${field}" at position ${position} (${names[index]}): ${messageOf(error)}`;
    }
  }
  return undefined;
}

function cronSchedule(cron: string, timezone: string): CronSchedule {
  const from = (after: number) => cronParser.parseExpression(cron, { tz: timezone, currentDate: new Date(after) });
  return {
    cron,
    timezone,
    next(after) {
      return from(after).next().getTime();
    },
    between(start, end, limit) {
      const ticks: number[] = [];
      // currentDate is exclusive: start a millisecond early so a tick at `start` itself counts.
      const iterator = from(start - 1);
      for (;;) {
        const tick = iterator.next().getTime();
        if (tick > end) return { ticks, more: false };
        if (ticks.length === limit) return { ticks, more: true };
        ticks.push(tick);
      }
    },
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
