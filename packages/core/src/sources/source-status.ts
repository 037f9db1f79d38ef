import type { SourceConfig } from '../config';
import type { SyncHistory } from './history';
import type { HistoryEntry, SourceStatus, SourceSummary, SourceTable } from './types';

/** Design section 6: syncing, else unknown / failed / not_synced / empty / synced. */
export function sourceStatus(syncing: boolean, tables: SourceTable[] | null, last: HistoryEntry | null, rowCount: number): SourceStatus {
  if (syncing) return 'syncing';
  if (tables === null) return 'unknown';
  if (last === null) return 'not_synced';
  if (last.status === 'failed') return 'failed';
  return rowCount === 0 ? 'empty' : 'synced';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `GET /api/sources` item of one source, from its tables (null: warehouse unreadable), its cached
 * history and its count of files on disk not loaded as they are (0 for sources without files).
 */
export async function summarizeSource(
  source: SourceConfig, tables: SourceTable[] | null, history: SyncHistory, syncing: boolean, pending: number,
): Promise<SourceSummary> {
  const entries = await history.read(source.name);
  const last = entries.at(-1) ?? null;
  const lastSuccess = entries.findLast((e) => e.status === 'success') ?? null;
  const rowCount = (tables ?? []).reduce((sum, t) => sum + t.row_count, 0);
  const summary: SourceSummary = {
    name: source.name,
    type: source.type,
    enabled: source.enabled,
    last_sync: last?.timestamp ?? null,
    row_count: rowCount,
    status: sourceStatus(syncing, tables, last, rowCount),
    freshness: {
      last_update: lastSuccess?.timestamp ?? null,
      days_old: lastSuccess ? Math.max(0, Math.floor((Date.now() - Date.parse(lastSuccess.timestamp)) / DAY_MS)) : null,
    },
    tables: tables ?? [],
    pending_files: pending,
  };
  if (source.description !== undefined) summary.description = source.description;
  return summary;
}
