/** Fields every platform event carries; `type` is also the WebSocket message type. */
export interface BaseEvent<T extends string> {
  type: T;
  /** A human sentence describing what happened. */
  message: string;
  /** ISO 8601 UTC with `Z`. */
  timestamp: string;
}

/** Every event the platform emits, keyed by its `type`. */
export interface DangoEventMap {
  sync_started: BaseEvent<'sync_started'> & { source: string; full_refresh: boolean };
  /** Rows and bytes read so far, and the bytes in all when the source knows it (files do), so progress can show a rate and an ETA. */
  sync_progress: BaseEvent<'sync_progress'> & { source: string; file?: string; rows?: number; bytes?: number; total_bytes?: number; step: string };
  sync_completed: BaseEvent<'sync_completed'> & { source: string; rows: number; duration_seconds: number };
  sync_failed: BaseEvent<'sync_failed'> & { source: string; error: string };
  csv_uploaded: BaseEvent<'csv_uploaded'> & { source: string; file: string; size: number };
  csv_deleted: BaseEvent<'csv_deleted'> & { source: string; file: string };
  dbt_run_started: BaseEvent<'dbt_run_started'> & { model: string | null; select?: string[] };
  dbt_model_completed: BaseEvent<'dbt_model_completed'> & {
    model: string;
    status: 'success' | 'error' | 'skipped';
    execution_time: number;
    error?: string;
  };
  dbt_run_completed: BaseEvent<'dbt_run_completed'> & { model: string | null; models: number };
  dbt_run_failed: BaseEvent<'dbt_run_failed'> & { model: string | null; error: string };
  /** After a successful sync: the models run for it are done (`models` = how many ran; none when auto_dbt is off or nothing depends on the source). */
  after_sync_completed: BaseEvent<'after_sync_completed'> & { source: string; models: number; failed: { model: string; error: string }[]; error?: string };
  /** A background dbt command (`POST /api/dbt/{command}`) ended; its result is at `GET /api/dbt/runs/{run_id}`. */
  dbt_command_completed: BaseEvent<'dbt_command_completed'> & { run_id: string; command: string; success: boolean };
  watcher_triggered: BaseEvent<'watcher_triggered'> & { sources: string[]; models: string[]; files: string[] };
  schema_changed: BaseEvent<'schema_changed'> & {
    source: string;
    table: string;
    changes: Array<{ column: string; change: 'column_added' | 'type_widened' | 'column_missing' | 'column_dropped'; from_type: string | null; to_type: string | null }>;
  };
  log: BaseEvent<'log'> & { level: LogLevel; source?: string };
}

/** Log levels of the activity log, as the API reference writes them. */
export type LogLevel = 'INFO' | 'WARNING' | 'ERROR' | 'SUCCESS';

/** The name of any platform event. */
export type DangoEventType = keyof DangoEventMap;

/** Any platform event. */
export type DangoEvent = DangoEventMap[DangoEventType];

/** Listener signatures per event type, plus the catch-all `event` (see `DangoListener` for one type). */
export type DangoEventListeners = {
  [K in DangoEventType]: (event: DangoEventMap[K]) => void;
} & { event: (event: DangoEvent) => void };

/** The current time as ISO 8601 UTC with `Z`. */
export function nowIso(): string {
  return new Date().toISOString();
}
