import { stat } from 'node:fs/promises';
import { qualified, quoteIdent, quoteLiteral, type WarehouseConnection } from '../warehouse';
import type { ConnectorContext, LoadOutcome } from './connectors/connector';
import type { SourceFileError } from './connectors/connector';
import { assertNoReservedColumns, planIncremental, unionSchema, type TableColumn } from './connectors/csv-schema-plan';
import { createFilesView, isReservedColumn, LINEAGE_COLUMNS } from './file-lineage';
import { BatchReadError, columnsOf, insertFiles, readOptionsOf } from './file-insert';
import type { FilePlan, FileSyncPlan } from './file-plan';
import { createLoadMeter, type LoadMeter } from './file-progress';
import { hashFile, type DiskFile } from './file-source';
import { diffColumns, recordSchemaChanges } from './rows/schema-changes';
import { ensureTrackingTable, forgetFiles, recordHashes, saveTracked, type FileColumn, type TrackedFile } from './file-tracking';

/** How one file format is read into a table: the part of a file source that differs between formats. */
export interface FileReader {
  /**
   * The SELECT list (one expression per file column, in file order, producing the table's column) and
   * the FROM reader of one file; the file's path is the bound parameter `$3`.
   */
  readSql(file: FileColumn[], table: TableColumn[], readOptions: Record<string, unknown>): { select: string[]; from: string };
  /** Turns a reader error into one that names the file and, when known, the line. */
  fileError(rel: string, err: unknown): SourceFileError;
  /**
   * True when files with these read options may be read by one statement over a list of files (same
   * SQL, `file_index` telling the files apart); absent = every file is read alone.
   */
  batchable?(readOptions: Record<string, unknown>): boolean;
}

/** Everything the load of one file-source sync needs. */
export interface FileLoadInput extends FileSyncPlan {
  ctx: ConnectorContext;
  table: string;
  reader: FileReader;
  /**
   * Describes again, each on its own, the files whose description was borrowed from another file; run
   * before the load is retried file by file after a statement over several files failed.
   */
  redescribe?(plans: FilePlan[]): Promise<void>;
}

/** A table's columns in order; none when it does not exist. */
async function readColumns(conn: WarehouseConnection, schema: string, table: string): Promise<TableColumn[]> {
  const [found] = await conn.all<{ n: number }>(
    'SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1 AND table_name = $2',
    [schema, table],
  );
  // pragma_table_info reads one table's entry, where information_schema.columns lists every column of the catalog.
  if (!found?.n) return [];
  return conn.all<TableColumn>(`SELECT name, type FROM pragma_table_info(${quoteLiteral(qualified(schema, table))}) ORDER BY cid`);
}

/** The table's data columns, and whether it carries today's lineage columns (a table from an earlier build is rebuilt). */
async function tableColumns(conn: WarehouseConnection, schema: string, table: string): Promise<{ columns: TableColumn[]; currentLineage: boolean }> {
  const rows = await readColumns(conn, schema, table);
  const names = new Set(rows.map((c) => c.name));
  return { columns: rows.filter((c) => !isReservedColumn(c.name)), currentLineage: LINEAGE_COLUMNS.every((l) => names.has(l.name)) };
}

async function deleteRowsOf(conn: WarehouseConnection, target: string, fileIds: number[]): Promise<void> {
  for (let i = 0; i < fileIds.length; i += 500) {
    const chunk = fileIds.slice(i, i + 500);
    await conn.run(`DELETE FROM ${target} WHERE _dango_file_id IN (${chunk.map((_, j) => `$${j + 1}`).join(', ')})`, chunk);
  }
}

/** Hands out `_dango_file_id`s: a reloaded file keeps its id, a new one gets the next free id of the source. */
async function fileIdAllocator(conn: WarehouseConnection, source: string, fresh: boolean): Promise<(plan: FilePlan) => number> {
  let last = 0;
  if (!fresh) {
    const [row] = await conn.all<{ n: number | null }>('SELECT max(file_id) AS n FROM _dango.source_files WHERE source = $1', [source]);
    last = Number(row?.n ?? 0);
  }
  return (plan) => (!fresh && plan.prev?.file_id != null ? plan.prev.file_id : ++last);
}

/**
 * Hashes files after their load committed (hashing during the load would compete with DuckDB for
 * the CPU) and records each hash only if the file did not change meanwhile.
 */
async function hashLoadedFiles(ctx: ConnectorContext, files: DiskFile[], signal: AbortSignal): Promise<void> {
  const hashed: Array<{ path: string; size: number; mtimeMs: number; hash: string }> = [];
  for (const f of files) {
    // Stopped by close(): the hashes done so far are kept, the rest stay null until a later sync hashes them.
    if (signal.aborted) break;
    try {
      const hash = await hashFile(f.abs, signal);
      const st = await stat(f.abs);
      if (st.size === f.size && st.mtimeMs === f.mtimeMs) hashed.push({ path: f.rel, size: f.size, mtimeMs: f.mtimeMs, hash });
    } catch {
      /* gone or unreadable: left unhashed, so a later change simply reloads it */
    }
  }
  if (hashed.length === 0) return;
  await ctx.warehouse.write(async (conn) => {
    await recordHashes(conn, ctx.source.name, hashed);
  });
}

function trackingRow(plan: FilePlan, fileId: number, table: string, rows: number, loadedAt: string): TrackedFile {
  return {
    path: plan.file.rel, file_id: fileId, table_name: table, size: plan.file.size, mtime_ms: plan.file.mtimeMs, hash: plan.hash,
    rows, columns: columnsOf(plan), read_options: { ...readOptionsOf(plan) }, loaded_at: loadedAt, error: null,
  };
}

/**
 * The load of one file-source sync, inside the sync's transaction: a rebuild (first load, full refresh,
 * or a column that must widen) recreates the table from every file present; otherwise the rows of
 * changed and vanished files are deleted and new and changed files inserted. Tracking rows are written
 * here too, so data, schema and tracking commit together.
 */
export async function loadFiles(conn: WarehouseConnection, input: FileLoadInput): Promise<LoadOutcome> {
  const meter = createLoadMeter(conn, input.ctx);
  try {
    return await loadFilesOnce(conn, input, meter, true);
  } catch (err) {
    if (!(err instanceof BatchReadError)) throw err;
    // A failed statement aborts DuckDB's transaction: this sync's work so far is undone and done again, each
    // file read alone (and described alone), so the failure names its file and line, or a borrowed
    // description that did not fit is replaced by the file's own.
    await conn.run('ROLLBACK');
    await conn.run('BEGIN TRANSACTION');
    await input.redescribe?.(input.plans);
    return loadFilesOnce(conn, input, meter, false);
  }
}

async function loadFilesOnce(conn: WarehouseConnection, input: FileLoadInput, meter: LoadMeter, batched: boolean): Promise<LoadOutcome> {
  const { ctx, table, plans, removed } = input;
  const name = ctx.source.name;
  const target = qualified(ctx.schema, table);
  await ensureTrackingTable(conn);
  await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(ctx.schema)}`);
  await createFilesView(conn, ctx.schema, name);

  const fileSchemas = (list: FilePlan[]) => list.map((p) => ({ rel: p.file.rel, columns: columnsOf(p) }));
  fileSchemas(plans).forEach(assertNoReservedColumns);
  const { columns: existing, currentLineage } = await tableColumns(conn, ctx.schema, table);
  const changed = plans.filter((p) => p.action === 'load');
  let rebuild = ctx.options.fullRefresh || existing.length === 0 || !currentLineage;
  let columns = existing;
  if (!rebuild) {
    const plan = planIncremental(existing, fileSchemas(changed), `${ctx.schema}.${table}`, fileSchemas(plans));
    rebuild = plan.rebuild;
    if (!rebuild) {
      for (const col of plan.add) await conn.run(`ALTER TABLE ${target} ADD COLUMN ${quoteIdent(col.name)} ${col.type}`);
      // The table's shape follows the files present: a column no file has any more goes with its last file.
      for (const col of plan.drop) await conn.run(`ALTER TABLE ${target} DROP COLUMN ${quoteIdent(col.name)}`);
      columns = [...existing.filter((c) => !plan.drop.includes(c)), ...plan.add];
    }
  }

  const toLoad = rebuild ? plans : changed;
  if (rebuild) {
    columns = unionSchema(fileSchemas(plans), ctx.options.fullRefresh ? [] : existing.map((c) => c.name));
    if (columns.length > 0) {
      const defs = [...columns, ...LINEAGE_COLUMNS].map((c) => `${quoteIdent(c.name)} ${c.type}`);
      await conn.run(`DROP TABLE IF EXISTS ${target}`);
      await conn.run(`CREATE TABLE ${target} (${defs.join(', ')})`);
    } else if (existing.length > 0) {
      // No file has columns: keep the table's shape, empty it (the empty-replace guard decides if that may commit).
      await conn.run(`DELETE FROM ${target}`);
    }
    await forgetFiles(conn, name, null);
  } else {
    const gone = [...removed.filter((t) => t.loaded_at !== null), ...changed.filter((p) => p.prev?.loaded_at).map((p) => p.prev!)];
    await deleteRowsOf(conn, target, gone.flatMap((t) => (t.file_id === null ? [] : [t.file_id])));
    for (const t of removed) ctx.progress({ file: t.path, step: 'removed', message: `Removed rows of ${t.path}` });
    await forgetFiles(conn, name, removed.map((t) => t.path));
  }

  let rows = 0;
  const loadedAt = ctx.loadedAt.toISOString();
  const tracking: TrackedFile[] = [];
  const nextFileId = await fileIdAllocator(conn, name, rebuild);
  const ids = new Map(toLoad.map((plan) => [plan, nextFileId(plan)]));
  const counts = await insertFiles(conn, { ctx, reader: input.reader, target, columns, ids, batched, meter }, toLoad);
  for (const plan of toLoad) {
    const n = counts.get(plan) ?? 0;
    rows += n;
    tracking.push(trackingRow(plan, ids.get(plan)!, table, n, loadedAt));
  }
  for (const plan of plans) {
    if (toLoad.includes(plan)) continue;
    // Unchanged files keep their rows and load time; a touched file records its new size and mtime.
    if (plan.action === 'touch') tracking.push({ ...plan.prev!, size: plan.file.size, mtime_ms: plan.file.mtimeMs });
  }
  await saveTracked(conn, name, tracking);

  // Files loaded now, and files whose hashing an earlier close() stopped (their tracking has no hash yet).
  const unhashed = plans.filter((p) => p.hash === null && (toLoad.includes(p) || p.action === 'keep')).map((p) => p.file);
  const written = columns.length > 0 || existing.length > 0 ? await readColumns(conn, ctx.schema, table) : [];
  // Compared with what the table holds now, so an added, widened or dropped column is reported however it came about.
  const schemaChanges = diffColumns(table, existing, written.filter((c) => !isReservedColumn(c.name)));
  await recordSchemaChanges(conn, name, schemaChanges, ctx.loadedAt);
  return {
    schemaChanges,
    rows,
    tables: written.length > 0 ? [{ name: table, columns: written }] : [],
    afterCommit: unhashed.length > 0 ? (signal) => hashLoadedFiles(ctx, unhashed, signal) : undefined,
    files: { loaded: toLoad.map((p) => p.file.rel), removed: removed.filter((t) => t.loaded_at !== null).map((t) => t.path), unchanged: plans.length - toLoad.length },
  };
}
