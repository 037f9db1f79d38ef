import { realTimers, type WatcherTimers } from './timers';

/**
 * Collects keyed items behind ONE timer that every new item restarts; when the timer finally
 * fires, the whole batch is handed over at once (a burst of 20 files becomes one batch).
 */
export class Debouncer<K, V> {
  private items = new Map<K, V>();
  private timer: unknown = null;

  constructor(
    private readonly delayMs: number,
    private readonly onFire: (batch: Map<K, V>) => void,
    private readonly timers: WatcherTimers = realTimers,
  ) {}

  /** Items waiting for the timer. */
  get size(): number {
    return this.items.size;
  }

  /** Adds (or replaces) an item and restarts the timer. */
  add(key: K, value: V): void {
    this.items.set(key, value);
    this.restart();
  }

  /** Drops every waiting item and stops the timer. */
  clear(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = null;
    this.items.clear();
  }

  private restart(): void {
    if (this.timer !== null) this.timers.clear(this.timer);
    this.timer = this.timers.set(() => {
      this.timer = null;
      const batch = this.items;
      this.items = new Map();
      this.onFire(batch);
    }, this.delayMs);
  }
}
