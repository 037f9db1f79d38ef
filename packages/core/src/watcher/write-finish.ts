import { stat } from 'node:fs/promises';
import type { WatcherTimers } from './timers';

/**
 * After the debounce, a file must keep its size and mtime for this long more before it is synced (as
 * chokidar's awaitWriteFinish does): a copy that stalled past the debounce is not loaded half-written.
 */
export const WRITE_FINISH_MS = 1000;

/** What was seen of a changed file, to tell a finished file from one still being written. */
export interface FileChange {
  event: 'add' | 'change' | 'unlink';
  size: number | null;
  mtimeMs: number | null;
}

/** The batch with each file's current size and mtime, and whether any differs from what was seen: it is still being written. */
export async function restat(batch: Map<string, FileChange>): Promise<{ now: Map<string, FileChange>; changed: boolean }> {
  const now = new Map<string, FileChange>();
  let changed = false;
  for (const [file, seen] of batch) {
    const current = seen.event === 'unlink' ? null : await stat(file).catch(() => null);
    if (current && (current.size !== seen.size || current.mtimeMs !== seen.mtimeMs)) changed = true;
    now.set(file, current ? { event: seen.event, size: current.size, mtimeMs: current.mtimeMs } : seen);
  }
  return { now, changed };
}

/** Waits on the watcher's timers that `endAll()` cuts short, so closing never waits out a stability interval. */
export class Delays {
  private readonly pending = new Set<() => void>();

  constructor(private readonly timers: WatcherTimers) {}

  /** Resolves after `ms`, or at once on `endAll()`. */
  wait(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        this.timers.clear(handle);
        this.pending.delete(done);
        resolve();
      };
      const handle = this.timers.set(done, ms);
      this.pending.add(done);
    });
  }

  /** Ends every pending wait now. */
  endAll(): void {
    for (const end of [...this.pending]) end();
  }
}
