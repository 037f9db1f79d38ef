import { DEFAULT_SCHEDULE_RETRIES } from '../config';
import type { PlatformContext } from '../context';
import { errorMessage, isDangoError } from '../errors';
import type { StartedSync } from '../sources/types';
import { cancellableDelay, MAX_TIMER_MS, realClock, type ScheduleClock } from './clock';
import { parseCron, type CronSchedule } from './cron';
import type { ScheduledRunInfo, ScheduleInfo, ScheduleOptions } from './types';

/** Wait before the first retry when `ScheduleOptions.retryDelayMs` is not given. */
export const DEFAULT_RETRY_DELAY_MS = 30_000;

/** What the scheduler calls on the platform, so a scheduled run is exactly an ordinary sync. */
export interface SchedulerActions {
  /** Starts a sync; throws CONFLICT when the source is already syncing. */
  startSync(name: string): StartedSync;
  isSyncing(name: string): boolean;
  /** When the source's last sync (of any kind) finished, from its history; null if it never synced. */
  lastSyncAt(name: string): Promise<string | null>;
}

interface Entry {
  readonly source: string;
  schedule: CronSchedule;
  retries: number;
  timer: unknown;
  next: Date | null;
  /** The fire time last acted on: the next one is computed after it, so a timer that fires a little early cannot fire twice. */
  lastFire: number;
  /** The scheduled run in progress (its retries included). */
  run: Promise<void> | null;
  /** Attempt number of the sync running now, and how many the run may make, for `willRetry`. */
  attempt: number;
  attempts: number;
  lastRun: ScheduledRunInfo | null;
}

/** What decides the fire times: a reload that changes neither keeps the timer. */
const scheduleKey = (expression: string | null | undefined, timezone: string | undefined): string => `${expression ?? ''}\u0000${timezone ?? ''}`;

/**
 * Runs each enabled source's cron `schedule` while the platform is open with schedules on. Croner only
 * computes the fire times; the timers are the scheduler's own (one per source), so `close()` stops them
 * all and tests drive them with a manual clock.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly runs = new Set<Promise<void>>();
  private readonly backoffs = new Set<() => void>();
  private readonly clock: ScheduleClock;
  private readonly retryDelayMs: number;
  private started = false;
  private closed = false;

  constructor(
    private readonly ctx: PlatformContext,
    private readonly actions: SchedulerActions,
    options: ScheduleOptions & { clock?: ScheduleClock } = {},
  ) {
    this.clock = options.clock ?? realClock;
    this.retryDelayMs = options.retryDelayMs ?? DEFAULT_RETRY_DELAY_MS;
  }

  /** Arms every schedule and runs, once each, the schedules that fired while no platform ran them (see `runOverdue`). */
  async start(): Promise<void> {
    if (this.started || this.closed) return;
    this.started = true;
    this.reschedule();
    await this.runOverdue();
  }

  /** Follows `ctx.config.sources` after a reload: new and changed schedules are (re)armed, removed ones stopped; a run in progress finishes. */
  reschedule(): void {
    if (!this.started || this.closed) return;
    const wanted = new Map(this.ctx.config.sources.filter((s) => s.enabled && s.schedule).map((s) => [s.name, s]));
    for (const [name, entry] of this.entries) {
      if (!wanted.has(name)) {
        this.clock.clear(entry.timer);
        this.entries.delete(name);
      }
    }
    for (const source of wanted.values()) {
      const entry = this.entries.get(source.name);
      const retries = source.retries ?? DEFAULT_SCHEDULE_RETRIES;
      if (entry && scheduleKey(source.schedule, source.timezone) === scheduleKey(entry.schedule.expression, entry.schedule.timezone)) {
        entry.retries = retries;
        continue;
      }
      const schedule = parseCron(source.schedule!, source.timezone);
      if (entry) {
        this.clock.clear(entry.timer);
        entry.schedule = schedule;
        entry.retries = retries;
        entry.lastFire = 0;
        this.arm(entry);
      } else {
        const created: Entry = { source: source.name, schedule, retries, timer: null, next: null, lastFire: 0, run: null, attempt: 0, attempts: 0, lastRun: null };
        this.entries.set(source.name, created);
        this.arm(created);
      }
    }
  }

  /**
   * A schedule is overdue when a fire time passed after the source's last sync (of any kind) finished:
   * that run was missed while nothing ran the schedule. It runs once now, however many fire times
   * passed. A source that never synced has no missed run to catch up on; it waits for its next fire time.
   */
  private async runOverdue(): Promise<void> {
    await Promise.all([...this.entries.values()].map(async (entry) => {
      const last = await this.actions.lastSyncAt(entry.source).catch(() => null);
      if (last === null || this.closed || this.entries.get(entry.source) !== entry) return;
      const missed = entry.schedule.nextAfter(new Date(last));
      if (missed === null || missed.getTime() > this.clock.now()) return;
      this.ctx.emit('log', {
        level: 'INFO',
        source: entry.source,
        message: `Scheduled sync of ${entry.source} was due at ${missed.toISOString()} while Dango was not running; running it now`,
      });
      this.fire(entry);
    }));
  }

  private arm(entry: Entry): void {
    const now = this.clock.now();
    entry.next = entry.schedule.nextAfter(new Date(Math.max(now, entry.lastFire)));
    if (entry.next === null) return;
    const due = entry.next.getTime();
    entry.timer = this.clock.set(() => this.onTimer(entry, due), Math.min(Math.max(0, due - now), MAX_TIMER_MS));
  }

  private onTimer(entry: Entry, due: number): void {
    if (this.closed || this.entries.get(entry.source) !== entry) return;
    // Early (a long wait in steps, or a timer's rounding): wait for the rest.
    if (this.clock.now() < due) {
      entry.timer = this.clock.set(() => this.onTimer(entry, due), Math.min(due - this.clock.now(), MAX_TIMER_MS));
      return;
    }
    entry.lastFire = due;
    this.arm(entry);
    this.fire(entry);
  }

  /** Starts a scheduled run unless the source is busy (then an INFO line says it was skipped). */
  private fire(entry: Entry): void {
    if (this.closed) return;
    const busy = entry.run ? 'its previous scheduled run is still retrying' : this.actions.isSyncing(entry.source) ? 'a sync of it is already running' : null;
    if (busy) {
      this.skipped(entry.source, busy);
      return;
    }
    const run = this.runWithRetries(entry).finally(() => {
      entry.run = null;
      this.runs.delete(run);
    });
    entry.run = run;
    this.runs.add(run);
  }

  private skipped(source: string, why: string): void {
    this.ctx.emit('log', { level: 'INFO', source, message: `Scheduled sync of ${source} skipped: ${why}` });
  }

  private async runWithRetries(entry: Entry): Promise<void> {
    const attempts = entry.retries + 1;
    entry.attempts = attempts;
    for (let attempt = 1; !this.closed; attempt++) {
      let started: StartedSync;
      try {
        started = this.actions.startSync(entry.source);
      } catch (err) {
        if (isDangoError(err, 'CONFLICT') && this.actions.isSyncing(entry.source)) this.skipped(entry.source, 'a sync of it is already running');
        else if (!this.closed) this.ctx.emit('log', { level: 'WARNING', source: entry.source, message: `Scheduled sync of ${entry.source} could not start: ${errorMessage(err)}` });
        return;
      }
      entry.attempt = attempt;
      const info: ScheduledRunInfo = attempt === 1 ? { started_at: started.started_at, status: 'running', attempts: 1 } : { ...entry.lastRun!, status: 'running', attempts: attempt };
      entry.lastRun = info;
      const result = await started.done;
      info.status = result.status;
      // A schedule removed by a reload while its run failed is not retried.
      if (result.status === 'success' || attempt >= attempts || this.closed || this.entries.get(entry.source) !== entry) return;
      const delay = this.retryDelayMs * 2 ** (attempt - 1);
      this.ctx.emit('log', {
        level: 'WARNING',
        source: entry.source,
        message: `Scheduled sync of ${entry.source} failed (attempt ${attempt} of ${attempts}); trying again in ${formatDelay(delay)}`,
      });
      info.status = 'running';
      const wait = cancellableDelay(this.clock, delay);
      this.backoffs.add(wait.cancel);
      const waited = await wait.done;
      this.backoffs.delete(wait.cancel);
      if (!waited) {
        info.status = 'failed';
        return;
      }
    }
  }

  /** True when the source's failing sync is a scheduled attempt that will be tried again (its failure is not final). */
  willRetry(source: string): boolean {
    const entry = this.entries.get(source);
    return !this.closed && entry?.run != null && entry.attempt < entry.attempts;
  }

  /** Attempts of the source's scheduled run in progress, or null when its sync is not a scheduled one. */
  attemptsOf(source: string): number | null {
    const entry = this.entries.get(source);
    return entry?.run ? entry.attempt : null;
  }

  /** The next fire time of a source, or null (schedules off, disabled, no schedule, never fires again). */
  nextSync(source: string): string | null {
    return this.entries.get(source)?.next?.toISOString() ?? null;
  }

  /** Every source with a `schedule`, in sources.yml order. */
  list(): ScheduleInfo[] {
    return this.ctx.config.sources.filter((s) => s.schedule).map((s) => {
      const entry = this.entries.get(s.name);
      return {
        source: s.name,
        schedule: s.schedule!,
        timezone: s.timezone ?? null,
        retries: s.retries ?? DEFAULT_SCHEDULE_RETRIES,
        next_sync: this.nextSync(s.name),
        enabled: s.enabled,
        active: entry !== undefined,
        running: entry?.run != null,
        last_run: entry?.lastRun ? { ...entry.lastRun } : null,
      };
    });
  }

  /** Stops every timer and backoff; resolves once the scheduled runs in progress have finished their current sync. */
  async close(): Promise<void> {
    this.closed = true;
    for (const entry of this.entries.values()) this.clock.clear(entry.timer);
    for (const cancel of this.backoffs) cancel();
    while (this.runs.size > 0) await Promise.allSettled([...this.runs]);
  }
}

function formatDelay(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10}s` : `${ms}ms`;
}
