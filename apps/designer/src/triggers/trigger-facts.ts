import type { RunTrigger, Trigger, TriggerFire } from '@loom/server/api-types';

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const ALIASES: Record<string, string> = {
  '@yearly': 'every year on 1 January at 00:00',
  '@annually': 'every year on 1 January at 00:00',
  '@monthly': 'every month on the 1st at 00:00',
  '@weekly': 'every Sunday at 00:00',
  '@daily': 'every day at 00:00',
  '@midnight': 'every day at 00:00',
  '@hourly': 'every hour',
};

const NUMBER = /^\d+$/;
const pad = (text: string) => text.padStart(2, '0');

/**
 * A cron expression in words, for the common shapes (every N minutes, hourly at :MM, daily, weekly,
 * on weekdays, monthly); undefined for anything else, which the view then shows as written.
 *
 * @example
 * describeCron('30 6 * * 1-5'); // 'weekdays at 06:30'
 */
export function describeCron(cron: string): string | undefined {
  const text = cron.trim();
  if (text.startsWith('@')) return ALIASES[text.toLowerCase()];
  const fields = text.split(/\s+/);
  if (fields.length === 6) {
    const [second, ...rest] = fields;
    if (second === '*' && rest.every((field) => field === '*')) return 'every second';
    const every = /^\*\/(\d+)$/.exec(second ?? '');
    if (every !== null && rest.every((field) => field === '*')) return `every ${every[1]} seconds`;
    if (second !== '0') return undefined;
    return describeCron(rest.join(' '));
  }
  if (fields.length !== 5) return undefined;
  const [minute = '', hour = '', day = '', month = '', weekday = ''] = fields;
  if (month !== '*') return undefined;
  if (hour === '*' && day === '*' && weekday === '*') {
    if (minute === '*') return 'every minute';
    const every = /^\*\/(\d+)$/.exec(minute);
    if (every !== null) return `every ${every[1]} minutes`;
    if (NUMBER.test(minute)) return minute === '0' ? 'every hour' : `every hour at :${pad(minute)}`;
    return undefined;
  }
  if (!NUMBER.test(minute) || !NUMBER.test(hour)) return undefined;
  const time = `${pad(hour)}:${pad(minute)}`;
  if (day === '*' && weekday === '*') return `every day at ${time}`;
  if (day === '*' && (weekday === '1-5' || weekday === 'MON-FRI')) return `weekdays at ${time}`;
  if (day === '*' && NUMBER.test(weekday)) {
    const name = DAYS[Number(weekday) % 7];
    return name === undefined ? undefined : `every ${name} at ${time}`;
  }
  if (weekday === '*' && NUMBER.test(day)) return `every month on day ${day} at ${time}`;
  return undefined;
}

/** A schedule as the list shows it: in words with its time zone, or the expression as written. */
export function describeSchedule(trigger: Pick<Trigger, 'cron' | 'timezone'>): string {
  if (trigger.cron === undefined) return '';
  const words = describeCron(trigger.cron);
  return `${words ?? trigger.cron} (${trigger.timezone ?? 'UTC'})`;
}

/**
 * What started a run, in a few characters, for the run list and the run view.
 *
 * @example
 * triggerLabel({ kind: 'schedule', id: 'tr…', name: 'nightly' }); // '◷ nightly'
 */
export function triggerLabel(trigger: RunTrigger): string {
  const name = trigger.name ?? trigger.id;
  switch (trigger.kind) {
    case 'schedule':
      return `◷ ${name}`;
    case 'webhook':
      return `webhook ${name}`;
    case 'alert':
      return `alert ${trigger.alertId ?? name}`;
  }
}

/** A longer sentence for the label's tooltip. */
export function triggerTitle(trigger: RunTrigger): string {
  const name = trigger.name ?? trigger.id;
  switch (trigger.kind) {
    case 'schedule':
      return `Started by the schedule “${name}”`;
    case 'webhook':
      return `Started by a delivery to the webhook “${name}”`;
    case 'alert':
      return `Started by alert ${trigger.alertId ?? ''} of monitor “${name}”`.replace('  ', ' ');
  }
}

/** A fire in a few words, e.g. "started run 2026…" or "3 ticks missed". */
export function describeFire(fire: TriggerFire): string {
  switch (fire.outcome) {
    case 'started':
      return fire.details?.ref === undefined ? 'run started' : `run started (${fire.details.ref})`;
    case 'missed': {
      const count = fire.details?.missed?.count ?? 1;
      return `${count} tick${count === 1 ? '' : 's'} missed, not run`;
    }
    case 'refused':
      return `refused: ${fire.message}`;
    case 'failed':
      return `failed: ${fire.message}`;
  }
}

/** The IANA time zones the browser knows, for the time zone field's suggestions. */
export function knownTimeZones(): string[] {
  const intl = Intl as { supportedValuesOf?: (key: string) => string[] };
  return ['UTC', ...(intl.supportedValuesOf?.('timeZone') ?? [])];
}

/** The browser's own time zone: the default for a new schedule. */
export function localTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC';
}
