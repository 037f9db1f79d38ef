import type { Warehouse, WarehouseConnection } from '../../warehouse';

/** The incremental state of one table: the last cursor value loaded. */
export interface CursorState {
  cursor: string;
  /** The cursor's last value as text (timestamps with a time zone in UTC, `+00`), null when no row had one. */
  value: string | null;
}

const TABLE = '_dango.source_state';

async function ensureTable(conn: WarehouseConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (source VARCHAR, table_name VARCHAR, cursor_column VARCHAR, cursor_value VARCHAR, updated_at TIMESTAMP WITH TIME ZONE)`);
}

/** The stored cursor state of a source's tables (empty before the first incremental load). */
export async function readCursorState(warehouse: Warehouse, source: string): Promise<Map<string, CursorState>> {
  const [exists] = await warehouse.query<{ n: number }>(
    "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = '_dango' AND table_name = 'source_state'",
  );
  const state = new Map<string, CursorState>();
  if (!exists?.n) return state;
  const rows = await warehouse.query<{ table_name: string; cursor_column: string; cursor_value: string | null }>(
    `SELECT table_name, cursor_column, cursor_value FROM ${TABLE} WHERE source = $1`,
    [source],
  );
  for (const r of rows) state.set(r.table_name, { cursor: r.cursor_column, value: r.cursor_value });
  return state;
}

/** Forgets every table's state of a source (a full refresh); part of the load's transaction. */
export async function resetCursorState(conn: WarehouseConnection, source: string): Promise<void> {
  await ensureTable(conn);
  await conn.run(`DELETE FROM ${TABLE} WHERE source = $1`, [source]);
}

/** Stores a table's state; part of the load's transaction, so it commits with the rows it describes. */
export async function saveCursorState(conn: WarehouseConnection, source: string, table: string, state: CursorState, at: Date): Promise<void> {
  await ensureTable(conn);
  await conn.run(`DELETE FROM ${TABLE} WHERE source = $1 AND table_name = $2`, [source, table]);
  await conn.run(`INSERT INTO ${TABLE} VALUES ($1, $2, $3, $4, $5::TIMESTAMPTZ)`, [source, table, state.cursor, state.value, at.toISOString()]);
}
