import type { DangoEventMap } from '@dango/core';
import { formatBytes, formatCount } from './format';
import type { Progress } from './progress';

type ProgressEvent = DangoEventMap['sync_progress'];

/** How long a sync runs before progress is shown, and how often a plain (non-TTY) line repeats. */
const SHOW_AFTER_MS = 1000;
const PLAIN_EVERY_MS = 5000;

/** `1,234 rows, 40.0 MB of 80.0 MB (50%), 20.0 MB/s, ETA 2s`: what the event says, with a rate and an ETA from the elapsed time. */
export function progressText(event: ProgressEvent, elapsedMs: number): string {
  const parts: string[] = [];
  if (event.rows !== undefined) parts.push(`${formatCount(event.rows)} row${event.rows === 1 ? '' : 's'}`);
  const seconds = elapsedMs / 1000;
  if (event.bytes !== undefined) {
    const known = event.total_bytes !== undefined && event.total_bytes > 0;
    parts.push(known ? `${formatBytes(event.bytes)} of ${formatBytes(event.total_bytes!)} (${Math.min(100, Math.floor((event.bytes / event.total_bytes!) * 100))}%)` : formatBytes(event.bytes));
    if (seconds > 0) {
      const rate = event.bytes / seconds;
      parts.push(`${formatBytes(rate)}/s`);
      if (known && rate > 0) parts.push(`ETA ${Math.max(0, Math.ceil((event.total_bytes! - event.bytes) / rate))}s`);
    }
  } else if (event.rows !== undefined && seconds > 0) {
    parts.push(`${formatCount(event.rows / seconds)} rows/s`);
  }
  return `  ${event.source}: ${parts.length ? parts.join(', ') : event.message}`;
}

/**
 * Shows a sync's progress once it has run for a second: redrawn in place on a terminal, and as a
 * plain line at most every five seconds in pipes and CI, so logs stay short.
 */
export class SyncProgressView {
  private readonly startedAt: number;
  private lastPlain = -Infinity;
  /** What the events told so far: the latest byte figures, and rows (summed over files, as each file reports its own). */
  private readonly seen: { bytes?: number; total_bytes?: number; rows?: number } = {};
  private fileRows = 0;

  constructor(private readonly progress: Progress, private readonly live: boolean, private readonly now: () => number = Date.now) {
    this.startedAt = now();
  }

  /** Takes one `sync_progress` event. */
  update(event: ProgressEvent): void {
    if (event.bytes !== undefined) {
      this.seen.bytes = event.bytes;
      this.seen.total_bytes = event.total_bytes;
    }
    if (event.rows !== undefined) {
      // A file's 'loaded' event counts that file; a row source's events count everything staged so far.
      if (event.file !== undefined) this.fileRows += event.rows;
      this.seen.rows = event.file !== undefined ? this.fileRows : event.rows;
    }
    event = { ...event, ...this.seen };
    const elapsed = this.now() - this.startedAt;
    if (elapsed < SHOW_AFTER_MS) return;
    if (!this.live) {
      if (elapsed - this.lastPlain < PLAIN_EVERY_MS) return;
      this.lastPlain = elapsed;
    }
    this.progress.update(progressText(event, elapsed));
  }
}
