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

/** The column of raw rows that names their file by id. */
export const FILE_ID_COLUMN = LINEAGE_COLUMNS[0].name;

/** The column of the files view (and of generated staging models) holding the file's path in the source directory. */
export const FILE_PATH_COLUMN = '_dango_file';

/** The view in each `raw_<source>` schema that maps `_dango_file_id` to `_dango_file`. */
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
       SELECT file_id AS ${FILE_ID_COLUMN}, path AS ${FILE_PATH_COLUMN} FROM _dango.source_files
        WHERE source = ${quoteLiteral(source)} AND file_id IS NOT NULL`,
  );
}
