import type { SourceConfig } from '../config';
import { listTables, type Warehouse } from '../warehouse';
import { listSourceFiles } from './file-listing';
import type { SyncHistory } from './history';
import { rawSchema } from './sync-runner';
import type { HistoryEntry, SourceStatus, SourceSummary, SourceTable } from './types';

/** The source's tables in the warehouse with row counts, or null when the warehouse cannot be read. */
export async function sourceTables(warehouse: Warehouse, name: string): Promise<SourceTable[] | null> {
  try {
    const tables = await listTables(warehouse, rawSchema(name));
    return tables.filter((t) => t.type === 'table').map((t) => ({ name: t.name, row_count: t.row_count ?? 0, schema: t.schema }));
  } catch {
    return null;
  }
}

/** Design section 6: syncing, else unknown / failed / not_synced / empty / synced. */
export function sourceStatus(syncing: boolean, tables: SourceTable[] | null, last: HistoryEntry | null, rowCount: number): SourceStatus {
  if (syncing) return 'syncing';
  if (tables === null) return 'unknown';
  if (last === null) return 'not_synced';
  if (last.status === 'failed') return 'failed';
  return rowCount === 0 ? 'empty' : 'synced';
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** Files of a file source on disk but not loaded as they are (e.g. a sync killed mid-load); 0 for other sources. */
async function pendingFileCount(source: SourceConfig, root: string, warehouse: Warehouse): Promise<number> {
  try {
    return (await listSourceFiles(source, root, warehouse)).files.filter((f) => f.status === 'pending').length;
  } catch {
    return 0; // not a file source, or nothing readable: the status says the rest
  }
}

/** `GET /api/sources` item of one source. */
export async function summarizeSource(source: SourceConfig, warehouse: Warehouse, history: SyncHistory, syncing: boolean, root: string): Promise<SourceSummary> {
  const [entries, tables, pending] = await Promise.all([history.read(source.name), sourceTables(warehouse, source.name), pendingFileCount(source, root, warehouse)]);
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
