/** How the last scheduled run of a source (in this process) went; `running` includes its retries. */
export interface ScheduledRunInfo {
  started_at: string;
  status: 'running' | 'success' | 'failed';
  /** Sync attempts so far (1 + retries used). */
  attempts: number;
}

/** One item of `GET /api/schedules`: a source with a `schedule` in sources.yml. */
export interface ScheduleInfo {
  source: string;
  schedule: string;
  /** IANA zone the expression is read in; null = the machine's. */
  timezone: string | null;
  /** Retries of a failed scheduled run. */
  retries: number;
  /** The next fire time (ISO 8601 UTC); null when schedules are off on this platform, the source is disabled, or the expression never fires again. */
  next_sync: string | null;
  /** The source's `enabled`. */
  enabled: boolean;
  /** True when this platform runs the schedule (opened with `schedules`, source enabled). */
  active: boolean;
  /** True while a scheduled run (or its backoff before a retry) is in progress. */
  running: boolean;
  /** The last scheduled run since the platform opened; null when none ran yet. */
  last_run: ScheduledRunInfo | null;
}

/** Options of `DangoPlatform.open({ schedules })` beyond `true`. */
export interface ScheduleOptions {
  /** Wait before the first retry of a failed scheduled sync, doubled for each further one (default 30 s). */
  retryDelayMs?: number;
}
