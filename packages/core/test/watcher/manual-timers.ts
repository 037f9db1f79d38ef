import type { WatcherTimers } from '../../src/watcher/timers';

/**
 * Watcher timers that fire only when a test says so, so watcher tests follow the watcher's own steps
 * (debounce, stability wait) instead of racing a real clock on a loaded machine.
 */
export class ManualTimers implements WatcherTimers {
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private nextId = 1;
  private waiters: (() => void)[] = [];

  /** The delay of every timer the watcher has set so far, in order: one per file event it queued, plus its stability waits. */
  readonly history: number[] = [];

  /** How many timers the watcher has set so far. */
  get setCount(): number {
    return this.history.length;
  }

  set(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.pending.set(id, { fn, ms });
    this.history.push(ms);
    for (const wake of this.waiters.splice(0)) wake();
    this.conditions = this.conditions.filter((c) => (c.check() ? (c.resolve(), false) : true));
    return id;
  }

  private conditions: { check: () => boolean; resolve: () => void }[] = [];

  /** Resolves once `check()` holds, tested now and whenever a timer is set (every watcher step sets one). */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.conditions.push({ check, resolve }));
  }

  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  /** The delays of the timers waiting to fire, oldest first. */
  get delays(): number[] {
    return [...this.pending.values()].map((t) => t.ms);
  }

  /** Resolves once some timer is pending (at once when one is). */
  whenPending(): Promise<void> {
    if (this.pending.size > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Fires the oldest pending timer and returns its delay; throws when none is pending. */
  fireNext(): number {
    const first = this.pending.entries().next();
    if (first.done) throw new Error('no timer is pending');
    const [id, timer] = first.value;
    this.pending.delete(id);
    timer.fn();
    return timer.ms;
  }
}

/** What the helpers below need of a watcher: when its work is done and how many changes wait for their debounce. */
export interface SettlingWatcher {
  idle(): Promise<void>;
  readonly pendingChanges: number;
}

/** Fires the watcher's timers, oldest first, until `done` settles (for a step that ends in an event, not in idleness). */
export async function stepUntil<T>(timers: ManualTimers, done: Promise<T>): Promise<T> {
  let finished = false;
  const result = done.finally(() => (finished = true));
  while (!finished) {
    await Promise.race([result, timers.whenPending()]);
    if (!finished && timers.delays.length > 0) timers.fireNext();
  }
  return result;
}

/** Fires timers until the watcher is idle with none pending: everything it was going to do is done. */
export async function settle(watcher: SettlingWatcher, timers: ManualTimers): Promise<void> {
  for (let round = 0; round < 100; round++) {
    await Promise.race([watcher.idle(), timers.whenPending()]);
    if (timers.delays.length > 0) timers.fireNext();
    else return; // idle, and nothing scheduled that could act again
  }
  throw new Error('the watcher never settled');
}

/** Waits until the watcher holds `n` changed files (it sets a timer on each), then settles it. */
export async function settleAfter(watcher: SettlingWatcher, timers: ManualTimers, n: number): Promise<void> {
  await timers.until(() => watcher.pendingChanges >= n);
  await settle(watcher, timers);
}
