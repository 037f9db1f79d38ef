import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { DangoEvent, LogLevel } from '../events';
import { capMessage, MAX_ERROR_CHARS as MAX_LOGGED_CHARS } from '../errors';
import { parseJsonLines } from '../files';

/** One line of the activity log, as `GET /api/logs` returns it. */
export interface LogEntry {
  timestamp: string;
  level: LogLevel;
  message: string;
  /** The source or model the line is about, when there is one. */
  source?: string;
  model?: string;
  type?: string;
}

const LEVEL_BY_EVENT: Partial<Record<DangoEvent['type'], LogLevel>> = {
  sync_started: 'INFO',
  sync_progress: 'INFO',
  sync_completed: 'SUCCESS',
  sync_failed: 'ERROR',
  csv_uploaded: 'INFO',
  csv_deleted: 'INFO',
  dbt_run_started: 'INFO',
  dbt_model_completed: 'INFO',
  dbt_run_completed: 'SUCCESS',
  dbt_run_failed: 'ERROR',
  watcher_triggered: 'INFO',
  schema_changed: 'WARNING',
};

/** The log line an event produces, or null for events that are not logged. */
export function logEntryForEvent(event: DangoEvent): LogEntry | null {
  let level: LogLevel | undefined = event.type === 'log' ? event.level : LEVEL_BY_EVENT[event.type];
  if (!level) return null;
  // A load's running byte count is for live views (WebSocket, CLI), not a line per poll in the log.
  if (event.type === 'sync_progress' && event.step === 'reading') return null;
  if (event.type === 'dbt_model_completed' && event.status === 'error') level = 'ERROR';
  const entry: LogEntry = { timestamp: event.timestamp, level, message: event.message, type: event.type };
  if ('source' in event && typeof event.source === 'string') entry.source = event.source;
  if ('model' in event && typeof event.model === 'string') entry.model = event.model;
  return entry;
}

const KEEP_IN_MEMORY = 5000;
const COMPACT_ABOVE_BYTES = 8 * 1024 * 1024;

/** The activity log: a JSONL file that survives restarts, plus an in-memory tail for fast reads. */
export class ActivityLog {
  private tail: LogEntry[] = [];
  /** True while writes fail, so one broken disk does not print a warning per line. */
  private failing = false;

  constructor(private readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.tail = this.readFile();
    try {
      // Keep the file bounded without a rotation daemon: compact to the tail when it grows large.
      if (statSync(file).size > COMPACT_ABOVE_BYTES) writeFileSync(file, this.tail.map((e) => JSON.stringify(e)).join('\n') + '\n');
    } catch {
      /* no file yet */
    }
  }

  /**
   * Appends one entry to the tail and the file. Never throws: a log that cannot be written (disk full, a
   * broken path) must not fail the sync or request being logged; the entry stays readable in memory and
   * the first failure of a streak is reported as a process warning.
   */
  append(entry: LogEntry): void {
    if (entry.message.length > MAX_LOGGED_CHARS) entry = { ...entry, message: capMessage(entry.message) };
    this.tail.push(entry);
    if (this.tail.length > KEEP_IN_MEMORY * 1.2) this.tail = this.tail.slice(-KEEP_IN_MEMORY);
    try {
      appendFileSync(this.file, JSON.stringify(entry) + '\n');
      this.failing = false;
    } catch (err) {
      if (!this.failing) process.emitWarning(`Dango cannot write its activity log ${this.file}: ${(err as Error).message}; entries are kept in memory only`);
      this.failing = true;
    }
  }

  /** The newest `limit` entries (optionally about one source), oldest first. */
  entries(options: { limit?: number; source?: string } = {}): LogEntry[] {
    const limit = options.limit ?? 1000;
    const list = options.source === undefined ? this.tail : this.tail.filter((e) => e.source === options.source);
    return limit <= 0 ? [] : list.slice(-limit);
  }

  private readFile(): LogEntry[] {
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return [];
    }
    return parseJsonLines<LogEntry>(text).slice(-KEEP_IN_MEMORY);
  }
}
