import type { WatcherTimers } from '../../src/watcher/timers';

/**
 * Watcher timers that fire only when a test says so, so watcher tests follow the watcher's own steps
 * (debounce, stability wait) instead of racing a real clock on a loaded machine.
 */
export class ManualTimers implements WatcherTimers {
  private readonly pending = new Map<number, { fn: () => void; ms: number }>();
  private nextId = 1;
  private waiters: (() => void)[] = [];

  set(fn: () => void, ms: number): number {
    const id = this.nextId++;
    this.pending.set(id, { fn, ms });
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
