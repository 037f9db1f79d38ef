import { Cron } from 'croner';

/** A source's cron schedule, parsed: it computes fire times and never runs anything itself (the scheduler owns the timers). */
export interface CronSchedule {
  readonly expression: string;
  readonly timezone: string | undefined;
  /** The first fire time strictly after `after`, or null when the expression never fires again. */
  nextAfter(after: Date): Date | null;
}

/** Why `timezone` is not an IANA time zone this Node knows, or null when it is one. */
export function timezoneProblem(timezone: string): string | null {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: timezone });
    return null;
  } catch {
    return `'${timezone}' is not a known IANA time zone (such as Europe/Berlin or America/New_York)`;
  }
}

/** Parses a cron expression (5 fields, or 6 with seconds first; `@hourly` style nicknames) in a time zone (default: the machine's). Throws with croner's reason. */
export function parseCron(expression: string, timezone?: string): CronSchedule {
  // paused: croner would otherwise arm its own timer; times only are wanted here.
  const cron = new Cron(expression, { paused: true, timezone });
  return {
    expression,
    timezone,
    nextAfter: (after) => cron.nextRun(after),
  };
}

/** Why `expression` (in `timezone`) cannot serve as a schedule, or null when it can: invalid syntax, or a date that never comes (`0 0 31 2 *`). */
export function cronProblem(expression: string, timezone?: string): string | null {
  let schedule: CronSchedule;
  try {
    schedule = parseCron(expression, timezone);
  } catch (err) {
    const reason = (err instanceof Error ? err.message : String(err)).replace(/^CronPattern:\s*/, '');
    return `'${expression}' is not a valid cron expression: ${reason}`;
  }
  if (schedule.nextAfter(new Date()) === null) return `'${expression}' never fires (no date matches it)`;
  return null;
}
