import { realTimers, type WatcherTimers } from '../watcher/timers';

/** The time and timers the scheduler uses; tests hand in a manual clock so no test waits for a real cron time. */
export interface ScheduleClock extends WatcherTimers {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** The process's own clock and timers. */
export const realClock: ScheduleClock = { ...realTimers, now: () => Date.now() };

/** Longest delay setTimeout keeps (about 24.8 days); a later fire time is reached in several steps. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** Resolves true after `ms`, or false at once when `cancel` is called first (close() during a backoff). */
export function cancellableDelay(clock: ScheduleClock, ms: number): { done: Promise<boolean>; cancel(): void } {
  let settle!: (ran: boolean) => void;
  const done = new Promise<boolean>((resolve) => (settle = resolve));
  const handle = clock.set(() => settle(true), Math.min(ms, MAX_TIMER_MS));
  return {
    done,
    cancel: () => {
      clock.clear(handle);
      settle(false);
    },
  };
}
