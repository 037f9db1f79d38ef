import type { RecordedSchemaChange } from './rows/schema-changes';

/** Options of one sync, camelCase as in every programmatic option object. */
export interface SyncOptions {
  fullRefresh?: boolean;
  /** `YYYY-MM-DD`; for sources that can load a date window. */
  startDate?: string | null;
  endDate?: string | null;
  /** Allow a replace that would empty a table that has rows. */
  allowEmpty?: boolean;
  /** Values for `var()` in the models this sync runs afterwards (dbt's `--vars`). */
  vars?: Record<string, unknown>;
}

/** The finished result of a sync. */
export interface SyncResult {
  source_name: string;
  status: 'success' | 'failed';
  rows_processed: number;
  duration_seconds: number;
  full_refresh: boolean;
  started_at: string;
  finished_at: string;
  error_message: string | null;
  /** Files loaded, replaced or removed by this sync (file sources). */
  files?: { loaded: string[]; removed: string[]; unchanged: number };
}

/** A sync that has started; `done` settles with its result (it never rejects for a failed sync). */
export interface StartedSync {
  source_name: string;
  started_at: string;
  done: Promise<SyncResult>;
}

/** One line of `.dango/history/<source>.jsonl`. */
export interface HistoryEntry {
  timestamp: string;
  status: 'success' | 'failed';
  duration_seconds: number;
  rows_processed: number;
  full_refresh: boolean;
  error_message: string | null;
}

/** A table of a source in the warehouse. */
export interface SourceTable {
  name: string;
  row_count: number;
  schema: string;
}

/** Source status values of the API reference. */
export type SourceStatus = 'synced' | 'syncing' | 'failed' | 'empty' | 'not_synced' | 'unknown';

/** One item of `GET /api/sources`. */
export interface SourceSummary {
  name: string;
  type: string;
  enabled: boolean;
  description?: string;
  last_sync: string | null;
  row_count: number;
  status: SourceStatus;
  freshness: { last_update: string | null; days_old: number | null };
  tables: SourceTable[];
  /** Files on disk not loaded as they are yet (`status: 'synced'` with pending files is not up to date). */
  pending_files: number;
}

/** `GET /api/sources/{name}/details`. */
export interface SourceDetails {
  name: string;
  config: Record<string, unknown>;
  history: HistoryEntry[];
  row_count: number;
  tables: SourceTable[];
  status: SourceStatus;
  last_sync: string | null;
  /** Schema changes of the source's raw tables, newest first. */
  schema_changes: RecordedSchemaChange[];
  /** As in `SourceSummary`. */
  pending_files: number;
}

/** One file of `GET .../csv-files`. */
export interface CsvFileInfo {
  filename: string;
  path: string;
  size: number | null;
  modified: string | null;
  on_disk: boolean;
  loaded: boolean;
  rows_loaded: number;
  status: 'success' | 'failed' | 'pending' | 'missing';
  error?: string | null;
}

/** `GET .../csv-files`. */
export interface CsvFilesListing {
  source_name: string;
  directory: string;
  file_pattern: string;
  files: CsvFileInfo[];
  total_files: number;
  files_on_disk: number;
  files_loaded: number;
}

/** A file handed to `uploadFile`. */
export interface UploadInput {
  filename: string;
  data: Buffer | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;
}

/** `POST .../upload-csv`. */
export interface UploadResult {
  success: true;
  message: string;
  source_name: string;
  file_path: string;
  file_name: string;
  auto_sync: boolean;
  size: number;
}

/** `DELETE .../csv-files`. */
export interface DeleteFileResult {
  success: true;
  message: string;
  file_path: string;
  source_name: string;
  background_sync: boolean;
}
