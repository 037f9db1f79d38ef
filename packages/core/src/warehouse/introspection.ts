import type { Warehouse } from './warehouse';
import { notPlatformRelationSql } from './platform-relations';
import { qualified, quoteLiteral } from './sql';

/** A table or view in the warehouse. */
export interface TableInfo {
  schema: string;
  name: string;
  type: 'table' | 'view';
  /** Exact for tables; null for views (counting would run the view). */
  row_count: number | null;
  column_count: number;
}

/** Every user table and view (system schemas and the platform's bookkeeping excluded), with exact row counts for tables. */
export async function listTables(wh: Warehouse, schema?: string): Promise<TableInfo[]> {
  const rows = await wh.query<{ schema: string; name: string; type: string; column_count: number }>(
    `SELECT t.table_schema AS schema, t.table_name AS name, t.table_type AS type,
            (SELECT count(*) FROM information_schema.columns c
              WHERE c.table_schema = t.table_schema AND c.table_name = t.table_name) AS column_count
       FROM information_schema.tables t
      WHERE t.table_catalog = current_database()
        AND t.table_schema NOT IN ('information_schema', 'pg_catalog')
        AND ${notPlatformRelationSql('t.table_schema', 't.table_name')}
        ${schema ? 'AND t.table_schema = $1' : ''}
      ORDER BY 1, 2`,
    schema ? [schema] : undefined,
  );
  const out: TableInfo[] = [];
  for (const r of rows) {
    const isView = r.type === 'VIEW';
    let rowCount: number | null = null;
    if (!isView) {
      const [c] = await wh.query<{ n: number }>(`SELECT count(*) AS n FROM "${r.schema.replaceAll('"', '""')}"."${r.name.replaceAll('"', '""')}"`);
      rowCount = c?.n ?? 0;
    }
    out.push({ schema: r.schema, name: r.name, type: isView ? 'view' : 'table', row_count: rowCount, column_count: r.column_count });
  }
  return out;
}

/** The schemas of the warehouse's own catalog (excluding system ones and the platform's `_dango`). */
export async function listSchemas(wh: Warehouse): Promise<string[]> {
  const rows = await wh.query<{ s: string }>(
    `SELECT schema_name AS s FROM information_schema.schemata
      WHERE catalog_name = current_database() AND schema_name NOT IN ('information_schema', 'pg_catalog') AND ${notPlatformRelationSql('schema_name', "''")} ORDER BY 1`,
  );
  return rows.map((r) => r.s);
}

/** Columns of one table in order, with DuckDB type names. */
export async function listColumns(wh: Warehouse, schema: string, table: string): Promise<{ name: string; type: string }[]> {
  return wh.query<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_catalog = current_database() AND table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`,
    [schema, table],
  );
}

/** The base tables of one schema (views and the platform's `_dango_*` tables left out) with their columns in order. */
export async function listTableColumns(wh: Warehouse, schema: string): Promise<{ name: string; columns: { name: string; type: string }[] }[]> {
  const tables = await wh.query<{ name: string }>(
    `SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND ${notPlatformRelationSql('schema_name', 'table_name')} ORDER BY 1`,
    [schema],
  );
  // pragma_table_info reads one table's entry, where duckdb_columns() lists every column of the catalog.
  return Promise.all(
    tables.map(async (t) => ({
      name: t.name,
      columns: await wh.query<{ name: string; type: string }>(`SELECT name, type FROM pragma_table_info(${quoteLiteral(qualified(schema, t.name))}) ORDER BY cid`),
    })),
  );
}
