import { listValue } from '@duckdb/node-api';
import type { WarehouseConnection } from '../warehouse';
import { capMessage } from '../errors';

/** Reads rows from the warehouse (a concurrent reader or the write connection). */
export type Reader = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/** One column of a loaded file; `type` null when the file has no data rows to infer it from. */
export interface FileColumn {
  name: string;
  type: string | null;
}

/** What the platform remembers about one file of a file source (table `_dango.source_files`). */
export interface TrackedFile {
  path: string;
  /** The `_dango_file_id` its rows carry (unique within the source); null until it first loads. */
  file_id: number | null;
  table_name: string;
  size: number | null;
  mtime_ms: number | null;
  hash: string | null;
  rows: number;
  columns: FileColumn[] | null;
  /** How the file was read (the connector's own settings, e.g. a CSV dialect), so it can be re-read without sniffing. */
  read_options: Record<string, unknown> | null;
  /** When the file's current rows were loaded; null when it never loaded. */
  loaded_at: string | null;
  /** Why its last load failed; null after a success. */
  error: string | null;
}

const TABLE = '_dango.source_files';

/** Creates the tracking table; idempotent. */
export async function ensureTrackingTable(conn: WarehouseConnection): Promise<void> {
  await conn.run(`CREATE TABLE IF NOT EXISTS ${TABLE} (
    source VARCHAR NOT NULL, path VARCHAR NOT NULL, table_name VARCHAR NOT NULL,
    size BIGINT, mtime_ms DOUBLE, hash VARCHAR, rows BIGINT NOT NULL DEFAULT 0, columns VARCHAR, read_options VARCHAR,
    loaded_at VARCHAR, error VARCHAR, file_id INTEGER)`);
  // Warehouses tracked by an early build of this table lack these columns.
  await conn.run(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS read_options VARCHAR`);
  await conn.run(`ALTER TABLE ${TABLE} ADD COLUMN IF NOT EXISTS file_id INTEGER`);
}

type TrackedRow = Omit<TrackedFile, 'columns' | 'read_options'> & { source: string; columns: string | null; read_options: string | null };

const parseJson = <T>(text: string | null): T | null => (text ? (JSON.parse(text) as T) : null);

/** Tracked files of the given sources, one query for all of them, keyed by source then path. */
export async function readTrackedOf(read: Reader, sources: string[]): Promise<Map<string, Map<string, TrackedFile>>> {
  const bySource = new Map<string, Map<string, TrackedFile>>(sources.map((s) => [s, new Map()]));
  if (sources.length === 0) return bySource;
  let rows: TrackedRow[];
  try {
    rows = await read<TrackedRow>(
      // `*`: a warehouse tracked by an earlier build may lack newer columns until its next sync adds them.
      `SELECT * FROM ${TABLE} WHERE source IN (${sources.map((_, i) => `$${i + 1}`).join(', ')})`,
      sources,
    );
  } catch (err) {
    // Before the first sync of the project the table does not exist yet: nothing is tracked.
    if (/does not exist/i.test(String((err as Error).message))) return bySource;
    throw err;
  }
  for (const { source, ...r } of rows) {
    const file: TrackedFile = { ...r, file_id: r.file_id ?? null, columns: parseJson<FileColumn[]>(r.columns), read_options: parseJson<Record<string, unknown>>(r.read_options ?? null) };
    bySource.get(source)?.set(r.path, file);
  }
  return bySource;
}

/** Every tracked file of a source. */
export async function readTracked(read: Reader, source: string): Promise<Map<string, TrackedFile>> {
  return (await readTrackedOf(read, [source])).get(source)!;
}

/** Deletes the tracking rows of the given files (all of the source's files when `paths` is null). */
export async function forgetFiles(conn: WarehouseConnection, source: string, paths: string[] | null): Promise<void> {
  if (paths === null) {
    await conn.run(`DELETE FROM ${TABLE} WHERE source = $1`, [source]);
    return;
  }
  for (let i = 0; i < paths.length; i += BATCH) {
    const chunk = paths.slice(i, i + BATCH);
    await conn.run(`DELETE FROM ${TABLE} WHERE source = $1 AND path IN (${chunk.map((_, j) => `$${j + 2}`).join(', ')})`, [source, ...chunk]);
  }
}

const COLUMNS = ['source', 'path', 'file_id', 'table_name', 'size', 'mtime_ms', 'hash', 'rows', 'columns', 'read_options', 'loaded_at', 'error'];
/** Rows per statement, far below DuckDB's parameter limits. */
const BATCH = 200;

/** Writes (replaces) tracking rows, a batch of rows per statement. */
export async function saveTracked(conn: WarehouseConnection, source: string, files: TrackedFile[]): Promise<void> {
  await forgetFiles(conn, source, files.map((f) => f.path));
  for (let i = 0; i < files.length; i += BATCH) {
    const chunk = files.slice(i, i + BATCH);
    const params = chunk.flatMap((f) => [
      source, f.path, f.file_id, f.table_name, f.size, f.mtime_ms, f.hash, f.rows,
      f.columns ? JSON.stringify(f.columns) : null, f.read_options ? JSON.stringify(f.read_options) : null, f.loaded_at, f.error,
    ]);
    const tuples = chunk.map((_, r) => `(${COLUMNS.map((_, c) => `$${r * COLUMNS.length + c + 1}`).join(', ')})`);
    await conn.run(`INSERT INTO ${TABLE} (${COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
}

/** Records a failed load of one file, keeping what is known about its earlier successful load. */
export async function markFailed(conn: WarehouseConnection, source: string, table: string, rel: string, error: string): Promise<void> {
  const existing = (await readTracked(conn.all, source)).get(rel);
  const base: TrackedFile = existing ?? { path: rel, file_id: null, table_name: table, size: null, mtime_ms: null, hash: null, rows: 0, columns: null, read_options: null, loaded_at: null, error: null };
  await saveTracked(conn, source, [{ ...base, error: capMessage(error) }]);
}

/** Stores files' content hashes, each only if the tracked size and mtime still describe the file that was hashed; one statement for all. */
export async function recordHashes(conn: WarehouseConnection, source: string, files: Array<{ path: string; size: number; mtimeMs: number; hash: string }>): Promise<void> {
  if (files.length === 0) return;
  await conn.run(
    `UPDATE ${TABLE} SET hash = h.hash
       FROM (SELECT unnest($2::VARCHAR[]) AS path, unnest($3::BIGINT[]) AS size, unnest($4::DOUBLE[]) AS mtime_ms, unnest($5::VARCHAR[]) AS hash) h
      WHERE ${TABLE}.source = $1 AND ${TABLE}.path = h.path AND ${TABLE}.size = h.size AND ${TABLE}.mtime_ms = h.mtime_ms AND ${TABLE}.hash IS NULL`,
    [source, listValue(files.map((f) => f.path)), listValue(files.map((f) => f.size)), listValue(files.map((f) => f.mtimeMs)), listValue(files.map((f) => f.hash))],
  );
}
