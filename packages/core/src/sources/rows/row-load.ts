import { DangoError } from '../../errors';
import { qualified, quoteIdent, quoteLiteral, type WarehouseConnection } from '../../warehouse';
import type { ConnectorContext, LoadOutcome, PreparedLoad, RawTable } from '../connectors/connector';
import { isReservedColumn, LINEAGE_COLUMNS } from '../file-lineage';
import { READING_STEP } from '../file-progress';
import { resetCursorState, saveCursorState, type CursorState } from './cursor-state';
import type { RowColumn, RowTable } from './row-table';
import { holds, widenRowType } from './row-types';
import { missingColumnsOnRecord, recordSchemaChanges, type SchemaChange } from './schema-changes';
import { createStagingArea, stageData, type StagingArea } from './staging';

/** The lineage column every row-loaded row carries (the sync's start time); file ids do not apply. */
const LOADED_AT = LINEAGE_COLUMNS[1];

/** A prepared row load; `dispose()` removes the staged files if the load never ran. */
export interface RowLoad extends PreparedLoad {
  dispose(): Promise<void>;
}

interface StagedTable {
  table: RowTable;
  file: string;
  /** Columns were added while it was staged: its earlier rows are shorter. */
  ragged: boolean;
}

function assertTableShape(schema: string, table: RowTable): void {
  const reserved = table.columns.find((c) => isReservedColumn(c.name));
  if (reserved) throw new DangoError('BAD_REQUEST', `Table ${table.name} has a column named ${reserved.name}; names starting with _dango_ are reserved for Dango's lineage columns`);
  const names = new Set(table.columns.map((c) => c.name.toLowerCase()));
  for (const key of [...(table.primaryKey ?? []), ...(table.cursor ? [table.cursor] : [])]) {
    if (!names.has(key.toLowerCase())) throw new DangoError('BAD_REQUEST', `Table ${table.name} has no column ${key} (named as its primary key or cursor)`);
  }
  if (table.disposition === 'merge' && !table.primaryKey?.length) {
    throw new DangoError('BAD_REQUEST', `Table ${schema}.${table.name} cannot merge without a primary key; name one (primary_key) or use replace or append`);
  }
}

/**
 * Extraction side of the row loader: stages every table's data to a temp file, tables one after
 * another (a database snapshot is read on one connection), and returns the load that writes them all
 * in the sync's transaction. The temp files go in every outcome: when staging fails, after the load,
 * or on `dispose()`.
 */
export async function stageRowTables(ctx: ConnectorContext, tables: RowTable[], previous: Map<string, CursorState>): Promise<RowLoad> {
  // Tables that learn their columns from their data are checked once staged.
  for (const t of tables) if (t.columns.length > 0) assertTableShape(ctx.schema, t);
  const area = await createStagingArea();
  const staged: StagedTable[] = [];
  try {
    for (const [i, table] of tables.entries()) {
      ctx.progress({ step: 'extracting', message: `Reading ${table.name}` });
      const file = area.fileFor(i);
      const { ragged } = await stageData(await table.read(), file, () => table.columns.length, ({ rows, bytes }) =>
        ctx.progress({ step: READING_STEP, rows, bytes, message: `Reading ${table.name}: ${rows === undefined ? `${bytes} bytes` : `${rows} rows`}` }),
      );
      if (table.columns.length > 0) assertTableShape(ctx.schema, table);
      staged.push({ table, file, ragged });
      ctx.progress({ step: 'extracted', message: `Read ${table.name}` });
    }
  } catch (err) {
    await area.dispose();
    throw err;
  }
  return {
    dispose: () => area.dispose(),
    load: async (conn) => {
      try {
        return await loadStaged(conn, ctx, staged, previous);
      } finally {
        await area.dispose();
      }
    },
  };
}

function readStagedSql(file: string, columns: RowColumn[], ragged: boolean): string {
  const spec = columns.map((c, i) => `${quoteLiteral(`c${i}`)}: ${quoteLiteral(c.staged?.type ?? c.type)}`).join(', ');
  const select = columns.map((c, i) => `${c.staged ? c.staged.sql(`c${i}`) : `c${i}`} AS ${quoteIdent(c.name)}`).join(', ');
  // Every string is quoted in staging, so only an unquoted empty field is NULL (allow_quoted_nulls = false).
  // A row may hold up to 16 MiB (DuckDB: 2 MiB); the 32 MiB buffer per reading thread bounds the memory it costs.
  // Null padding needs a single reader: a parallel one could start inside a quoted value spanning lines.
  const padding = ragged ? ', null_padding = true, parallel = false' : '';
  return `SELECT ${select} FROM read_csv(${quoteLiteral(file)}, auto_detect = false, header = false, delim = ',', quote = '"', escape = '"',
    allow_quoted_nulls = false, max_line_size = 16777216, buffer_size = 33554432${padding}, columns = {${spec}})`;
}

async function existingColumns(conn: WarehouseConnection, schema: string, table: string): Promise<Array<{ name: string; type: string }> | null> {
  const [found] = await conn.all<{ n: number }>(
    'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2',
    [schema, table],
  );
  if (!found?.n) return null;
  return conn.all(`SELECT name, type FROM pragma_table_info(${quoteLiteral(qualified(schema, table))}) ORDER BY cid`);
}

/** Brings an existing table to a shape that holds the incoming columns (add, widen, keep), and lists what changed. */
async function evolve(conn: WarehouseConnection, ctx: ConnectorContext, table: RowTable, existing: Array<{ name: string; type: string }>): Promise<SchemaChange[]> {
  const target = qualified(ctx.schema, table.name);
  const byName = new Map(existing.filter((c) => !isReservedColumn(c.name)).map((c) => [c.name.toLowerCase(), c]));
  const changes: SchemaChange[] = [];
  for (const col of table.columns) {
    const have = byName.get(col.name.toLowerCase());
    byName.delete(col.name.toLowerCase());
    if (!have) {
      await conn.run(`ALTER TABLE ${target} ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
      changes.push({ table: table.name, column: col.name, change: 'column_added', from_type: null, to_type: col.type });
      continue;
    }
    if (holds(have.type, col.type)) continue;
    const wider = widenRowType(have.type, col.type);
    if (wider === undefined) {
      throw new DangoError('CONFLICT', `Column ${col.name} of ${ctx.schema}.${table.name} changed type from ${have.type} to ${col.type}, which cannot widen without changing values; run a full refresh to rebuild the table`);
    }
    await conn.run(`ALTER TABLE ${target} ALTER COLUMN ${quoteIdent(have.name)} TYPE ${wider}`);
    changes.push({ table: table.name, column: have.name, change: 'type_widened', from_type: have.type, to_type: wider });
  }
  const known = await missingColumnsOnRecord(conn, ctx.source.name, table.name);
  for (const gone of byName.values()) {
    if (!known.has(gone.name)) changes.push({ table: table.name, column: gone.name, change: 'column_missing', from_type: gone.type, to_type: null });
  }
  return changes;
}

function cursorText(type: string, expr: string): string {
  return /WITH TIME ZONE|TIMESTAMPTZ/i.test(type) ? `strftime(${expr} AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S.%f') || '+00'` : `(${expr})::VARCHAR`;
}

/** The cursor's new value: the largest of the rows just written (read from `from`) and the stored one. */
async function nextCursor(conn: WarehouseConnection, table: RowTable, from: string, where: string, prev: CursorState | undefined): Promise<CursorState> {
  const col = table.columns.find((c) => c.name.toLowerCase() === table.cursor!.toLowerCase())!;
  const cursor = quoteIdent(col.name);
  const bound = prev?.value != null && prev.cursor === table.cursor ? `greatest(max(${cursor}), ${quoteLiteral(prev.value)}::${col.type})` : `max(${cursor})`;
  const [row] = await conn.all<{ v: string | null }>(`SELECT ${cursorText(col.type, bound)} AS v FROM ${from} ${where}`);
  return { cursor: table.cursor!, value: row?.v ?? null };
}

async function insertRows(conn: WarehouseConnection, target: string, columns: RowColumn[], select: string, loadedAt: string): Promise<number> {
  const into = [...columns.map((c) => quoteIdent(c.name)), quoteIdent(LOADED_AT.name)].join(', ');
  const [res] = await conn.all<{ Count: number }>(`INSERT INTO ${target} (${into}) SELECT *, ${quoteLiteral(loadedAt)}::TIMESTAMPTZ FROM (${select})`);
  return Number(res?.Count ?? 0);
}

async function loadTable(conn: WarehouseConnection, ctx: ConnectorContext, { table, file, ragged }: StagedTable, previous: Map<string, CursorState>) {
  const target = qualified(ctx.schema, table.name);
  const loadedAt = ctx.loadedAt.toISOString();
  const fresh = ctx.options.fullRefresh;
  const existing = await existingColumns(conn, ctx.schema, table.name);
  if (table.columns.length === 0) {
    // A source that learns its columns from its rows saw none: no table to create; a replace empties
    // an existing one (the sync runner's empty-replace guard decides whether that may happen).
    if (existing !== null && (table.disposition === 'replace' || fresh)) await conn.run(`DELETE FROM ${target}`);
    return { rows: 0, changes: [] };
  }
  const stale = existing !== null && !existing.some((c) => c.name === LOADED_AT.name);
  let changes: SchemaChange[] = [];
  if (existing === null || fresh || stale) {
    const defs = [...table.columns, LOADED_AT].map((c) => `${quoteIdent(c.name)} ${c.type}`).join(', ');
    await conn.run(`CREATE OR REPLACE TABLE ${target} (${defs})`);
  } else {
    changes = await evolve(conn, ctx, table, existing);
    if (table.disposition === 'replace') await conn.run(`DELETE FROM ${target}`);
  }
  const select = readStagedSql(file, table.columns, ragged);
  const prev = fresh ? undefined : previous.get(table.name);
  let rows: number;
  let state: CursorState | undefined;
  if (table.disposition === 'merge' && existing !== null && !fresh && !stale) {
    const stage = quoteIdent(`_dango_stage_${table.name}`);
    await conn.run(`CREATE OR REPLACE TEMP TABLE ${stage} AS ${select}`);
    const on = table.primaryKey!.map((k) => `${target}.${quoteIdent(k)} = ${stage}.${quoteIdent(k)}`).join(' AND ');
    await conn.run(`DELETE FROM ${target} USING ${stage} WHERE ${on}`);
    rows = await insertRows(conn, target, table.columns, `SELECT * FROM ${stage}`, loadedAt);
    if (table.cursor) state = await nextCursor(conn, table, stage, '', prev);
    await conn.run(`DROP TABLE ${stage}`);
  } else {
    rows = await insertRows(conn, target, table.columns, select, loadedAt);
    if (table.cursor) state = await nextCursor(conn, table, target, `WHERE ${quoteIdent(LOADED_AT.name)} = ${quoteLiteral(loadedAt)}::TIMESTAMPTZ`, prev);
  }
  if (state) await saveCursorState(conn, ctx.source.name, table.name, state, ctx.loadedAt);
  ctx.progress({ rows, step: 'loaded', message: `Loaded ${table.name}: ${rows} rows` });
  return { rows, changes };
}

async function loadStaged(conn: WarehouseConnection, ctx: ConnectorContext, staged: StagedTable[], previous: Map<string, CursorState>): Promise<LoadOutcome> {
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ctx.schema)}`);
  if (ctx.options.fullRefresh) await resetCursorState(conn, ctx.source.name);
  let rows = 0;
  const changes: SchemaChange[] = [];
  const tables: RawTable[] = [];
  for (const s of staged) {
    const done = await loadTable(conn, ctx, s, previous);
    rows += done.rows;
    changes.push(...done.changes);
    const columns = await existingColumns(conn, ctx.schema, s.table.name);
    if (columns) tables.push({ name: s.table.name, columns });
  }
  await recordSchemaChanges(conn, ctx.source.name, changes, ctx.loadedAt);
  return { rows, tables, schemaChanges: changes };
}
