import { errorMessage } from '../errors';
import { notPlatformRelationSql, qualified, type Warehouse, type WarehouseConnection } from '../warehouse';
import type { SourceTable } from './types';

/**
 * Row counts recorded by the loads that wrote them. DuckDB's own per-table figure
 * (`duckdb_tables().estimated_size`) still counts deleted rows, so it cannot serve a source list.
 */
const TABLE = '_dango.table_rows';

/** Tables of raw schemas, grouped by schema; null when the warehouse cannot be read. */
export type RawTablesBySchema = Map<string, SourceTable[]> | null;

/** Exact row count of every base table of `schema`, counted on the given connection. */
export async function countTables(conn: WarehouseConnection, schema: string): Promise<Map<string, number>> {
  const tables = await conn.all<{ name: string }>(
    'SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1',
    [schema],
  );
  const counts = new Map<string, number>();
  for (const t of tables) {
    const [row] = await conn.all<{ n: number }>(`SELECT count(*) AS n FROM ${qualified(schema, t.name)}`);
    counts.set(t.name, Number(row?.n ?? 0));
  }
  return counts;
}

async function ensureTable(conn: WarehouseConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (schema_name VARCHAR NOT NULL, table_name VARCHAR NOT NULL, row_count BIGINT NOT NULL)`);
}

async function insertCounts(conn: WarehouseConnection, schema: string, counts: Map<string, number>): Promise<void> {
  if (counts.size === 0) return;
  const values = [...counts].map((_, i) => `($${3 * i + 1}, $${3 * i + 2}, $${3 * i + 3})`);
  const params = [...counts].flatMap(([table, n]) => [schema, table, n]);
  await conn.run(`INSERT INTO ${TABLE} VALUES ${values.join(', ')}`, params);
}

/** Replaces the recorded counts of `schema`; run inside the load's transaction so they commit or roll back with its data. */
export async function recordRowCounts(conn: WarehouseConnection, schema: string, counts: Map<string, number>): Promise<void> {
  await ensureTable(conn);
  await conn.run(`DELETE FROM ${TABLE} WHERE schema_name = $1`, [schema]);
  await insertCounts(conn, schema, counts);
}

type CatalogRow = { schema: string; name: string; row_count: number | null };

const CATALOG_SQL = `SELECT t.schema_name AS schema, t.table_name AS name, r.row_count
     FROM duckdb_tables() t LEFT JOIN ${TABLE} r ON r.schema_name = t.schema_name AND r.table_name = t.table_name
    WHERE t.database_name = current_database() AND starts_with(t.schema_name, 'raw_') AND ${notPlatformRelationSql('t.schema_name', 't.table_name')}
    ORDER BY 1, 2`;

/** The same listing before any load recorded a count (the counts table does not exist yet). */
const CATALOG_SQL_UNRECORDED = `SELECT schema_name AS schema, table_name AS name, NULL::BIGINT AS row_count
     FROM duckdb_tables() WHERE database_name = current_database() AND starts_with(schema_name, 'raw_') AND ${notPlatformRelationSql('schema_name', 'table_name')}
    ORDER BY 1, 2`;

/**
 * The tables of every raw schema with their recorded row counts, read with one catalog query whatever
 * the number of sources, and kept until the warehouse's next write (a polled list then costs no query
 * at all, and concurrent requests share one). A table no load has recorded yet (a warehouse written by
 * an earlier version) is counted here, and recorded once in the background so later lists stay cheap.
 */
export class TableRowCounts {
  private backfill: Promise<void> | null = null;
  private cached: { generation: number; tables: Promise<RawTablesBySchema> } | null = null;

  constructor(private readonly warehouse: Warehouse) {}

  /** Tables grouped by schema (raw schemas only); null when the warehouse cannot be read. Shared: callers must not modify it. */
  tables(): Promise<RawTablesBySchema> {
    const generation = this.warehouse.writeGeneration;
    if (this.cached?.generation !== generation) {
      const tables = this.read();
      this.cached = { generation, tables };
      // A failure (closed or released warehouse) is not kept: the next call asks again.
      void tables.then((t) => t === null && this.cached?.tables === tables && (this.cached = null));
    }
    return this.cached!.tables;
  }

  private async read(): Promise<RawTablesBySchema> {
    let rows: CatalogRow[];
    try {
      rows = await this.catalog();
      await this.countUnrecorded(rows);
    } catch {
      return null;
    }
    const out = new Map<string, SourceTable[]>();
    for (const r of rows) {
      const list = out.get(r.schema) ?? [];
      list.push({ name: r.name, row_count: r.row_count ?? 0, schema: r.schema });
      out.set(r.schema, list);
    }
    return out;
  }

  private async catalog(): Promise<CatalogRow[]> {
    try {
      return await this.warehouse.query<CatalogRow>(CATALOG_SQL);
    } catch (err) {
      // Before the first load of the project nothing is recorded: the tables (if any) are counted below.
      if (!/table_rows does not exist/i.test(errorMessage(err))) throw err;
      return this.warehouse.query<CatalogRow>(CATALOG_SQL_UNRECORDED);
    }
  }

  private async countUnrecorded(rows: CatalogRow[]): Promise<void> {
    const missing = rows.filter((r) => r.row_count === null);
    if (missing.length === 0) return;
    await Promise.all(
      missing.map(async (r) => {
        const [c] = await this.warehouse.query<{ n: number }>(`SELECT count(*) AS n FROM ${qualified(r.schema, r.name)}`);
        r.row_count = c?.n ?? 0;
      }),
    );
    this.requestBackfill(missing);
  }

  /** Records the counts of tables that have none, on the write queue so no load can interleave. */
  private requestBackfill(tables: CatalogRow[]): void {
    if (this.backfill) return;
    try {
      this.backfill = this.warehouse
        .write(
          async (conn) => {
            await ensureTable(conn);
            for (const { schema, name } of tables) {
              const recorded = await conn.all(`SELECT 1 FROM ${TABLE} WHERE schema_name = $1 AND table_name = $2`, [schema, name]);
              const exists = await conn.all('SELECT 1 FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2', [schema, name]);
              if (recorded.length > 0 || exists.length === 0) continue;
              const [c] = await conn.all<{ n: number }>(`SELECT count(*) AS n FROM ${qualified(schema, name)}`);
              await insertCounts(conn, schema, new Map([[name, Number(c?.n ?? 0)]]));
            }
          },
          { transaction: true },
        )
        .catch(() => undefined)
        .finally(() => (this.backfill = null));
    } catch {
      /* the warehouse is closing: the next open records them */
    }
  }
}
