import { existsSync } from 'node:fs';
import type { SourceConfig } from '../../config';
import { DangoError } from '../../errors';
import { fileSourceBlock, fileSourceSpec, hashFile, scanFiles, type DiskFile } from '../file-source';
import { ensureTrackingTable, markFailed, readTracked, type TrackedFile } from '../file-tracking';
import type { Connector, ConnectorContext, PreparedLoad } from './connector';
import { SourceFileError } from './connector';
import { loadCsvFiles, type CsvFilePlan } from './csv-load';
import { csvReadOptions, describeCsv } from './csv-read';
import { settleDateFormats } from './csv-date-formats';

/** The table a CSV source loads into (`csv.table`, else the source name). */
export function csvTableName(source: SourceConfig): string {
  return (source.csv as { table?: string } | undefined)?.table ?? source.name;
}

/**
 * Decides per file: reload (new, changed, or full refresh), keep (size and mtime as tracked), or
 * touch (size or mtime moved but the content hash is the same: tracking is updated, nothing is re-read).
 */
async function classify(file: DiskFile, prev: TrackedFile | undefined, table: string, fullRefresh: boolean): Promise<CsvFilePlan> {
  const loaded = prev !== undefined && prev.loaded_at !== null && prev.table_name === table;
  const sameStat = loaded && prev.error === null && prev.size === file.size && prev.mtime_ms === file.mtimeMs;
  // A full refresh re-reads every file but keeps the known hash of an unchanged one (no second hashing).
  if (fullRefresh) return { file, prev, action: 'load', hash: sameStat ? prev.hash : null };
  if (sameStat) return { file, prev, action: 'keep', hash: prev.hash };
  if (loaded) {
    const hash = await hashFile(file.abs);
    if (hash === prev.hash && prev.error === null) return { file, prev, action: 'touch', hash };
    return { file, prev, action: 'load', hash };
  }
  // Nothing to compare with: the hash is only stored, so it is computed after the load commits.
  return { file, prev, action: 'load', hash: null };
}

/** The CSV connector: files in a directory, loaded with DuckDB's own `read_csv`. */
export const csvConnector: Connector = {
  type: 'csv',

  validate(source) {
    fileSourceBlock(source);
    csvReadOptions(source);
  },

  async prepare(ctx: ConnectorContext): Promise<PreparedLoad> {
    const { source, options } = ctx;
    const spec = fileSourceSpec(source, ctx.root);
    const readOptions = csvReadOptions(source);
    const table = csvTableName(source);
    const read = ctx.warehouse.query.bind(ctx.warehouse) as <T>(sql: string, params?: unknown[]) => Promise<T[]>;

    const [disk, tracked] = await Promise.all([scanFiles(spec, ctx.warn), readTracked(read, source.name)]);
    const plans: CsvFilePlan[] = [];
    // A few files at a time: a changed file is hashed, and thousands of parallel reads would exhaust file handles.
    for (let i = 0; i < disk.length; i += 8) {
      const batch = disk.slice(i, i + 8);
      plans.push(...(await Promise.all(batch.map((f) => classify(f, tracked.get(f.rel), table, options.fullRefresh)))));
    }
    // Sniffing runs on the warehouse's concurrent readers, a few files at a time.
    const toDescribe = plans.filter((p) => !(p.prev?.columns && p.prev.read_options !== null && p.action !== 'load'));
    const vanished = new Set<CsvFilePlan>();
    for (let i = 0; i < toDescribe.length; i += 4) {
      await Promise.all(
        toDescribe.slice(i, i + 4).map(async (plan) => {
          try {
            plan.described = await describeCsv(read, plan.file.rel, plan.file.abs, plan.file.size, readOptions);
          } catch (err) {
            // Deleted since the scan (e.g. through the API while this sync ran): it counts as removed.
            if (existsSync(plan.file.abs)) throw err;
            vanished.add(plan);
          }
        }),
      );
    }
    const present = plans.filter((p) => !vanished.has(p));
    await settleDateFormats(present, readOptions, (p, forced) => describeCsv(read, p.file.rel, p.file.abs, p.file.size, readOptions, forced));
    const onDisk = new Set(present.map((p) => p.file.rel));
    const removed = [...tracked.values()].filter((t) => !onDisk.has(t.path));

    return { load: (conn) => loadCsvFiles(conn, { ctx, table, plans: present, removed }) };
  },

  async recordFailure(conn, source, error) {
    if (!(error instanceof SourceFileError)) return;
    await ensureTrackingTable(conn);
    await markFailed(conn, source.name, csvTableName(source), error.file, error.message);
  },
};

/** Throws BAD_REQUEST when `source` is not a CSV source. */
export function assertCsvSource(source: SourceConfig): void {
  if (source.type !== 'csv') throw new DangoError('BAD_REQUEST', `Source '${source.name}' is a ${source.type} source, not a CSV source`);
}
