/** The timers the watcher waits with; tests hand in manual ones so no test races a real clock. */
export interface WatcherTimers {
  /** Calls `fn` once after `ms`; returns a handle for `clear`. */
  set(fn: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** The process's own setTimeout/clearTimeout. */
export const realTimers: WatcherTimers = {
  set: (fn, ms) => setTimeout(fn, ms),
  clear: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
