import type { WarehouseConnection } from '../warehouse';
import type { ConnectorContext } from './connectors/connector';

/** How often a running load reports the bytes read so far. */
const POLL_MS = 500;

/** The step of the transient byte-count events (not written to the activity log). */
export const READING_STEP = 'reading';

/** Counts the bytes a file load has read and reports them as `sync_progress` events. */
export interface LoadMeter {
  /** Starts (or, on a retry, restarts) a load of `totalBytes`; figures below those already reported are not sent again. */
  begin(totalBytes: number): void;
  /** Runs one statement reading `bytes` of files, reporting its progress while it runs. */
  measure<T>(bytes: number, run: () => Promise<T>): Promise<T>;
}

/**
 * A meter over DuckDB's own query progress: while a statement runs, its completed percentage (which
 * for `read_csv` follows the bytes read) times the statement's file bytes, plus the bytes of the
 * statements done, is the load's position in `total_bytes`; after the last statement `bytes == total_bytes`. Events are monotonic and sent only when
 * the figure moved, at most every POLL_MS.
 */
export function createLoadMeter(conn: WarehouseConnection, ctx: ConnectorContext): LoadMeter {
  let totalBytes = 0;
  let done = 0;
  let reported = -1;
  let enabled = false;
  const report = (bytes: number): void => {
    const at = Math.min(totalBytes, Math.max(reported, Math.round(bytes)));
    if (at === reported) return;
    reported = at;
    ctx.progress({ step: READING_STEP, bytes: at, total_bytes: totalBytes, message: `Read ${at} of ${totalBytes} bytes` });
  };
  return {
    begin(total) {
      totalBytes = total;
      done = 0;
    },
    async measure(bytes, run) {
      if (!enabled && totalBytes > 0) {
        // Print off first: with the bar on, DuckDB would otherwise draw it on the process's stdout.
        await conn.run('SET enable_progress_bar_print = false');
        await conn.run('SET enable_progress_bar = true');
        enabled = true;
      }
      const timer = setInterval(() => {
        const pct = Number(conn.raw.progress.percentage);
        if (pct > 0) report(done + (Math.min(100, pct) / 100) * bytes);
      }, POLL_MS);
      try {
        const result = await run();
        done += bytes;
        // Each finished statement is reported as well, so a load of several statements always shows its steps.
        report(done);
        return result;
      } finally {
        clearInterval(timer);
      }
    },
  };
}
