import { qualified, quoteLiteral, type WarehouseConnection } from '../warehouse';

/**
 * Lineage columns every raw row of a file source carries. The file is stored as a small integer id
 * (its name is in the `_dango_files` view): a per-row VARCHAR costs DuckDB ~15% of a whole load,
 * an integer constant next to nothing, and the generated staging models join the name back in.
 */
export const LINEAGE_COLUMNS = [
  { name: '_dango_file_id', type: 'INTEGER' },
  { name: '_dango_loaded_at', type: 'TIMESTAMP WITH TIME ZONE' },
] as const;

/** The view in each `raw_<source>` schema that maps `_dango_file_id` to `_dango_file` (the path in the source directory). */
export const FILES_VIEW = '_dango_files';

/** Column names starting with this belong to Dango (lineage now and later); a source's own data may not use them. */
export const RESERVED_COLUMN_PREFIX = '_dango_';

/** True for a column name Dango reserves (case-insensitive, as DuckDB identifiers are). */
export function isReservedColumn(name: string): boolean {
  return name.toLowerCase().startsWith(RESERVED_COLUMN_PREFIX);
}

/**
 * Creates `raw_<source>._dango_files` over the tracking table; part of the load's transaction. The
 * view reads the tracking rows live, so a sync never has to rewrite it when files come and go.
 */
export async function createFilesView(conn: WarehouseConnection, schema: string, source: string): Promise<void> {
  await conn.run(
    `CREATE OR REPLACE VIEW ${qualified(schema, FILES_VIEW)} AS
       SELECT file_id AS _dango_file_id, path AS _dango_file FROM _dango.source_files
        WHERE source = ${quoteLiteral(source)} AND file_id IS NOT NULL`,
  );
}
