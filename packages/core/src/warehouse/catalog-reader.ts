import { DangoError } from '../errors';
import { listColumns, listTables } from './introspection';
import { isPlatformRelation } from './platform-relations';
import { qualified, quoteIdent } from './sql';
import type { SqlParams, Warehouse } from './warehouse';

/** A table or view of the catalog with its columns. */
export interface CatalogTable {
  schema: string;
  name: string;
  type: 'table' | 'view';
  row_count: number | null;
  columns: { name: string; type: string }[];
}

/** The first rows of a relation, as arrays in column order. */
export interface TablePreview {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  limit: number;
  /** True when the relation has more rows than were returned. */
  truncated: boolean;
}

/** A column's profile: nulls, distinct values, range and most common values. */
export interface ColumnProfile {
  column: string;
  type: string;
  /** Rows profiled (at most `PROFILE_ROW_LIMIT`). */
  rows: number;
  /** True when the table had more rows than were profiled. */
  sampled: boolean;
  nulls: number;
  null_percent: number;
  distinct: number;
  min: string | null;
  max: string | null;
  top_values: { value: string | null; count: number }[];
}

/** Profiles read at most this many rows, so one click never scans a huge table. */
export const PROFILE_ROW_LIMIT = 1_000_000;
/** Previews return at most this many rows. */
export const PREVIEW_ROW_LIMIT = 500;
/** A preview or profile is stopped (DuckDB interrupt) after this long, so one click never holds a reader for minutes. */
export const CATALOG_QUERY_TIMEOUT_MS = 10_000;

/** Every schema's tables and views with their columns and (for tables) exact row counts. */
export async function catalogTables(wh: Warehouse): Promise<CatalogTable[]> {
  const [tables, columns] = await Promise.all([
    listTables(wh),
    wh.query<{ schema: string; table: string; name: string; type: string }>(
      `SELECT table_schema AS schema, table_name AS "table", column_name AS name, data_type AS type FROM information_schema.columns
        WHERE table_catalog = current_database() ORDER BY table_schema, table_name, ordinal_position`,
    ),
  ]);
  const byTable = new Map<string, { name: string; type: string }[]>();
  for (const c of columns) {
    const key = `${c.schema}\0${c.table}`;
    byTable.set(key, [...(byTable.get(key) ?? []), { name: c.name, type: c.type }]);
  }
  // listTables already leaves the platform's bookkeeping out.
  return tables.map((t) => ({ schema: t.schema, name: t.name, type: t.type, row_count: t.row_count, columns: byTable.get(`${t.schema}\0${t.name}`) ?? [] }));
}

/** The columns of an existing relation; NOT_FOUND names what is missing. */
async function columnsOf(wh: Warehouse, schema: string, table: string): Promise<{ name: string; type: string }[]> {
  // The platform's bookkeeping is not browsable, even by a hand-written URL: the listing never shows it.
  const columns = isPlatformRelation(schema, table) ? [] : await listColumns(wh, schema, table);
  if (columns.length === 0) throw new DangoError('NOT_FOUND', `Table '${schema}.${table}' not found`);
  return columns;
}

type BoundedQuery = <T = Record<string, unknown>>(sql: string, params?: SqlParams) => Promise<T[]>;

/** Queries that share one deadline; past it the running query is interrupted and a RUN_FAILED error says why. */
function withDeadline(wh: Warehouse, what: string, timeoutMs: number): BoundedQuery {
  const signal = AbortSignal.timeout(timeoutMs);
  return async <T>(sql: string, params?: SqlParams) => {
    try {
      return await wh.query<T>(sql, params, { signal });
    } catch (err) {
      if (!signal.aborted) throw err;
      throw new DangoError('RUN_FAILED', `${what} took longer than ${timeoutMs / 1000} s and was stopped`);
    }
  };
}

/** The first `limit` rows (at most `PREVIEW_ROW_LIMIT`) of a table or view. */
export async function previewTable(wh: Warehouse, schema: string, table: string, limit: number, timeoutMs = CATALOG_QUERY_TIMEOUT_MS): Promise<TablePreview> {
  const columns = await columnsOf(wh, schema, table);
  const query = withDeadline(wh, `The preview of '${schema}.${table}'`, timeoutMs);
  const bounded = Math.min(Math.max(1, limit), PREVIEW_ROW_LIMIT);
  // One row more than asked tells whether there are more, without counting.
  const rows = await query(`SELECT * FROM ${qualified(schema, table)} LIMIT ${bounded + 1}`);
  return {
    columns,
    rows: rows.slice(0, bounded).map((r) => columns.map((c) => r[c.name] ?? null)),
    limit: bounded,
    truncated: rows.length > bounded,
  };
}

/** Nulls, distinct count, min/max and the ten most common values of one column, over at most `PROFILE_ROW_LIMIT` rows. */
export async function profileColumn(wh: Warehouse, schema: string, table: string, column: string, timeoutMs = CATALOG_QUERY_TIMEOUT_MS): Promise<ColumnProfile> {
  const columns = await columnsOf(wh, schema, table);
  const col = columns.find((c) => c.name === column);
  if (!col) throw new DangoError('NOT_FOUND', `Column '${column}' not found in '${schema}.${table}'`);
  const query = withDeadline(wh, `The profile of '${schema}.${table}.${column}'`, timeoutMs);
  const sample = `(SELECT ${quoteIdent(column)} AS v FROM ${qualified(schema, table)} LIMIT ${PROFILE_ROW_LIMIT + 1})`;
  const [stats] = await query<{ rows: number; nulls: number; distinct: number }>(
    `SELECT count(*) AS rows, count(*) - count(v) AS nulls, count(DISTINCT v) AS "distinct" FROM ${sample}`,
  );
  // Nested types (lists, structs) have no useful order; their range is left out rather than failing.
  let range: { min: string | null; max: string | null } = { min: null, max: null };
  try {
    [range = range] = await query<{ min: string | null; max: string | null }>(`SELECT min(v)::VARCHAR AS min, max(v)::VARCHAR AS max FROM ${sample}`);
  } catch (err) {
    if (err instanceof DangoError) throw err;
    // keep nulls
  }
  const top = await query<{ value: string | null; count: number }>(
    `SELECT v::VARCHAR AS value, count(*) AS count FROM ${sample} GROUP BY v ORDER BY count DESC, value NULLS LAST LIMIT 10`,
  );
  const rows = Math.min(Number(stats?.rows ?? 0), PROFILE_ROW_LIMIT);
  const nulls = Number(stats?.nulls ?? 0);
  return {
    column,
    type: col.type,
    rows,
    sampled: Number(stats?.rows ?? 0) > PROFILE_ROW_LIMIT,
    nulls,
    null_percent: rows === 0 ? 0 : (nulls / Number(stats?.rows ?? 1)) * 100,
    distinct: Number(stats?.distinct ?? 0),
    min: range.min,
    max: range.max,
    top_values: top.map((t) => ({ value: t.value, count: Number(t.count) })),
  };
}
