import type { SourceConfig } from '../config';
import type { HistoryEntry, SourceStatus, SourceSummary, SourceTable } from './types';

/** Design section 6: syncing, else unknown / failed / not_synced / empty / synced. */
export function sourceStatus(syncing: boolean, tables: readonly SourceTable[] | null, last: HistoryEntry | null, rowCount: number): SourceStatus {
  if (syncing) return 'syncing';
  if (tables === null) return 'unknown';
  if (last === null) return 'not_synced';
  if (last.status === 'failed') return 'failed';
  return rowCount === 0 ? 'empty' : 'synced';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * `GET /api/sources` item of one source, from its tables (null: warehouse unreadable), its sync
 * history, its count of files on disk not loaded as they are (0 for sources without files) and its
 * next scheduled sync (from the in-memory scheduler, so the list stays free of per-source queries).
 */
export function summarizeSource(
  source: SourceConfig, tables: readonly SourceTable[] | null, entries: readonly HistoryEntry[], syncing: boolean, pending: number, nextSync: string | null = null,
): SourceSummary {
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
    // Copies: the tables come from a cache shared by every request.
    tables: (tables ?? []).map((t) => ({ ...t })),
    pending_files: pending,
    schedule: source.schedule ?? null,
    next_sync: nextSync,
  };
  if (source.description !== undefined) summary.description = source.description;
  return summary;
}
