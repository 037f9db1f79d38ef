import { DangoError } from '../../../errors';
import type { ResolvedSyncOptions } from '../connector';
import type { CursorState, RowColumn, WriteDisposition } from '../../rows';
import type { SqlSourceConfig } from './sql-config';

/** A source table as the database's catalog describes it. */
export interface CatalogTable {
  name: string;
  /** Columns mapped to warehouse types, each with the SELECT expression that reads it. */
  columns: Array<{ column: RowColumn; select: string }>;
  primaryKey: string[];
}

/** What one table's extraction reads and how its rows are written. */
export interface TablePlan {
  table: CatalogTable;
  disposition: WriteDisposition;
  primaryKey?: string[];
  cursor?: string;
  /** Bounds on the cursor, each to be compared with its column (`>=`, `>` or `<`), values as text. */
  window: Array<{ op: '>=' | '>' | '<'; value: string; type: 'value' | 'date' }>;
}

/** The tables a sync reads: the configured list (or every base table), minus `exclude`; missing ones fail naming the table. */
export function selectTables(config: SqlSourceConfig, available: string[], where: string): string[] {
  const have = new Set(available);
  const wanted = config.tables ?? available;
  for (const t of [...wanted, ...Object.keys(config.incremental)]) {
    if (!have.has(t)) throw new DangoError('NOT_FOUND', `Table ${where}.${t} not found (or not visible to this user)`);
  }
  const excluded = new Set(config.exclude);
  return wanted.filter((t) => !excluded.has(t));
}

const TEMPORAL = /^(DATE|TIMESTAMP( WITH TIME ZONE)?|TIMESTAMPTZ)$/i;

function nextDay(date: string): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}

/**
 * Decides a table's disposition and cursor window: merge with a cursor and a primary key, replace
 * otherwise (`write_disposition` overrides; a replace reads the whole table). The stored cursor (ignored on a full refresh) or the sync's
 * `start_date` bounds the window from below, `end_date` from above (date and timestamp cursors).
 */
export function planTable(table: CatalogTable, config: SqlSourceConfig, options: ResolvedSyncOptions, state: CursorState | undefined, where: string): TablePlan {
  const inc = config.incremental[table.name];
  if (!inc) return { table, disposition: 'replace', window: [] };
  const column = table.columns.find((c) => c.column.name === inc.cursor)?.column;
  if (!column) throw new DangoError('CONFIG_INVALID', `Cursor column ${inc.cursor} not found in ${where}.${table.name}`);
  const primaryKey = inc.primary_key === undefined ? table.primaryKey : [inc.primary_key].flat();
  const disposition = inc.write_disposition ?? (primaryKey.length > 0 ? 'merge' : 'replace');
  const plan: TablePlan = { table, disposition, primaryKey: primaryKey.length > 0 ? primaryKey : undefined, cursor: inc.cursor, window: [] };
  if (disposition === 'replace') return plan;
  const dated = TEMPORAL.test(column.type);
  if (options.startDate && dated) plan.window.push({ op: '>=', value: options.startDate, type: 'date' });
  else if (state?.value != null && state.cursor === inc.cursor && !options.fullRefresh) {
    // Merge re-reads rows at the last value (a row updated in the same instant is not lost; the key dedupes it).
    plan.window.push({ op: disposition === 'merge' ? '>=' : '>', value: state.value, type: 'value' });
  }
  if (options.endDate && dated) plan.window.push({ op: '<', value: nextDay(options.endDate), type: 'date' });
  return plan;
}
