/** The JSON shapes of the public REST API the dashboard reads (see /api/openapi.json). */
export interface SourceTable { name: string; row_count: number; schema: string }
export type SourceStatus = 'synced' | 'syncing' | 'failed' | 'empty' | 'not_synced' | 'unknown';
export interface SourceSummary {
  name: string; type: string; enabled: boolean; description?: string; last_sync: string | null; row_count: number;
  status: SourceStatus; freshness: { last_update: string | null; days_old: number | null }; tables: SourceTable[];
  next_sync?: string | null;
}
export interface HistoryEntry { timestamp: string; status: 'success' | 'failed'; duration_seconds: number; rows_processed: number; full_refresh: boolean; error_message: string | null }
export interface SchemaChange { timestamp?: string; table?: string; column?: string; change?: string; [key: string]: unknown }
export interface SourceDetails {
  name: string; config: Record<string, unknown>; history: HistoryEntry[]; row_count: number; tables: SourceTable[];
  status: SourceStatus; last_sync: string | null; schema_changes?: SchemaChange[];
}
export interface LogEntry { timestamp: string; level: 'INFO' | 'WARNING' | 'ERROR' | 'SUCCESS'; message: string; source?: string; model?: string; type?: string }
export interface FileEntry { filename: string; path: string; size: number | null; modified: string | null; on_disk: boolean; loaded: boolean; rows_loaded: number; status: 'success' | 'failed' | 'pending' | 'missing'; error?: string | null }
export interface FilesListing { source_name: string; directory: string; file_pattern: string; files: FileEntry[]; total_files: number; files_on_disk: number; files_loaded: number }
export interface ModelInfo {
  name: string; description: string; database: string; schema: string; depends_on: string[]; materialization: string;
  status: 'success' | 'error' | 'skipped' | null; tags?: string[]; path?: string; last_run?: string | null;
  execution_time?: number | null; error?: string | null;
}
export interface StatusReport { status: string; dango_version: string; services: Record<string, string>; uptime: string }
export interface HealthReport {
  status: string; timestamp: string;
  database: { size_mb: number; tables: number; status: string; raw_tables: number; staging_tables: number; marts_tables: number };
  disk: { status: string; free_gb: number; total_gb: number };
  sync_failures: unknown[]; dbt_failures: unknown[]; total_sources: number; enabled_sources: number; critical_issues: string[]; warnings: string[];
  [key: string]: unknown;
}
export interface ConfigView { web_port: number; web_url: string; metabase_url: string | null; dbt_docs_url: string | null; api_url: string; project_name: string; organization: string | null }
/** A node of a model's lineage graph: depth < 0 upstream, 0 the model, > 0 downstream. */
export interface LineageNode { id: string; name: string; kind: 'model' | 'seed' | 'source' | 'snapshot'; depth: number }
export interface ModelDetails {
  name: string; description: string; schema: string; materialization: string; path: string; tags: string[];
  raw_sql: string; compiled_sql: string | null; compile_error: string | null;
  columns: { name: string; description: string; data_type: string | null }[];
  tests: { name: string; column: string | null; test: string }[];
  upstream: { name: string; kind: 'model' | 'seed' | 'source' | 'snapshot' }[];
  downstream: string[];
  lineage: { nodes: LineageNode[]; edges: { from: string; to: string }[] };
}
export interface CatalogColumn { name: string; type: string }
export interface CatalogTable { schema: string; name: string; type: string; row_count: number | null; columns: CatalogColumn[] }
export interface ColumnProfile { column: string; type: string; rows: number; nulls: number; null_percent: number; distinct: number; min: string | null; max: string | null; top_values: { value: string | null; count: number }[] }
export interface TablePreview { columns: CatalogColumn[]; rows: unknown[][]; limit: number; truncated: boolean }

/** An API answer that was not 2xx, carrying the server's `detail` sentence. */
export class ApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

/** Reads `{"detail"}` from an error answer; falls back to the status line. */
export function errorDetail(status: number, text: string): string {
  try {
    const detail = (JSON.parse(text) as { detail?: unknown }).detail;
    if (typeof detail === 'string') return detail;
  } catch {
    // not JSON: use the status below
  }
  return status === 401 ? 'Not signed in: open this page with ?token=<your token> once.' : `Request failed (${status})`;
}

/** A request to the API, relative to the page's base so the dashboard works under any prefix. */
export async function api<T>(path: string, init: RequestInit & { json?: unknown } = {}): Promise<T> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(`api/${path}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body, credentials: 'same-origin' });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, errorDetail(res.status, text));
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Path segment escaping for names used in URLs. */
export const seg = encodeURIComponent;
