import { listValue } from '@duckdb/node-api';
import { globSafePath, quoteIdent, type WarehouseConnection } from '../warehouse';
import type { ConnectorContext } from './connectors/connector';
import type { TableColumn } from './connectors/csv-schema-plan';
import type { FileReader } from './file-load';
import { LINEAGE_COLUMNS } from './file-lineage';
import type { FilePlan } from './file-plan';
import type { LoadMeter } from './file-progress';
import type { FileColumn } from './file-tracking';

/**
 * Thrown when one statement reading several files (or a file read with a borrowed description) fails:
 * the load is then retried reading each file alone with its own description, so the error names the
 * file at fault (and its line) as a single-file read does.
 */
export class BatchReadError extends Error {
  constructor(readonly files: string[], options: { cause: unknown }) {
    super(`Reading ${files.length} files in one statement failed`, options);
    this.name = 'BatchReadError';
  }
}

/** What the inserts of one load need. */
export interface InsertInput {
  ctx: ConnectorContext;
  reader: FileReader;
  target: string;
  /** The table's columns after any widening. */
  columns: TableColumn[];
  /** `_dango_file_id` of each file to load. */
  ids: Map<FilePlan, number>;
  /** Whether files that read alike may share one statement (false on the retry after a `BatchReadError`). */
  batched: boolean;
  /** Reports the bytes read; one meter serves a load and its retry, so the figures never go back. */
  meter: LoadMeter;
}

/** One INSERT: the files it reads and its SQL parts (identical for every file of a batch). */
interface Statement {
  plans: FilePlan[];
  into: string[];
  select: string[];
  from: string;
}

/** The file's columns: those described now, else those stored with its tracking row. */
export function columnsOf(plan: FilePlan): FileColumn[] {
  return plan.described?.columns ?? plan.prev?.columns ?? [];
}

/** The file's read options: those described now, else those stored with its tracking row. */
export function readOptionsOf(plan: FilePlan): Record<string, unknown> {
  return plan.described?.readOptions ?? plan.prev!.read_options!;
}

function hasRows(plan: FilePlan): boolean {
  const cols = columnsOf(plan);
  return !plan.described?.noRows && cols.length > 0 && !cols.every((c) => c.type === null);
}

/** Groups the files by the SQL that reads them; files of a reader that cannot batch stay alone. */
function statements(input: InsertInput, plans: FilePlan[]): Statement[] {
  const byKey = new Map(input.columns.map((c) => [c.name.toLowerCase(), c.name]));
  const out = new Map<string, Statement>();
  plans.forEach((plan, i) => {
    const fileColumns = columnsOf(plan);
    const options = readOptionsOf(plan);
    const into = fileColumns.map((c) => quoteIdent(byKey.get(c.name.toLowerCase()) ?? c.name));
    const { select, from } = input.reader.readSql(fileColumns, input.columns, options);
    const batchable = input.batched && input.reader.batchable?.(options) === true;
    const key = batchable ? JSON.stringify([into, select, from]) : `#${i}`;
    const found = out.get(key);
    if (found) found.plans.push(plan);
    else out.set(key, { plans: [plan], into, select, from });
  });
  return [...out.values()];
}

/**
 * Inserts every file's rows straight from DuckDB's reader (never through JavaScript) and returns each
 * file's row count. Files read by the same SQL (same dialect and columns) are read by ONE statement over
 * the list of files, whose `file_index` gives each row its file's id: a thousand small files cost one
 * scan, not a thousand statements. Reports bytes read as `sync_progress` while the statements run.
 */
export async function insertFiles(conn: WarehouseConnection, input: InsertInput, plans: FilePlan[]): Promise<Map<FilePlan, number>> {
  const counts = new Map<FilePlan, number>(plans.map((p) => [p, 0]));
  const withRows = plans.filter(hasRows);
  const meter = input.meter;
  meter.begin(withRows.reduce((n, p) => n + p.file.size, 0));

  const batched: FilePlan[] = [];
  for (const st of statements(input, withRows)) {
    if (st.plans.length === 1) counts.set(st.plans[0]!, await insertOne(conn, input, st, meter));
    else {
      await insertBatch(conn, input, st, meter);
      batched.push(...st.plans);
    }
  }
  if (batched.length === 0) return counts;
  // One count over the rows just written (their ids are new, or their old rows were deleted first).
  const rows = await conn.all<{ id: number; n: number }>(
    `SELECT _dango_file_id AS id, count(*)::BIGINT AS n FROM ${input.target} WHERE _dango_file_id IN (SELECT unnest($1::INTEGER[])) GROUP BY 1`,
    [listValue(batched.map((p) => input.ids.get(p)!))],
  );
  const byId = new Map(rows.map((r) => [Number(r.id), Number(r.n)]));
  for (const plan of batched) {
    const n = byId.get(input.ids.get(plan)!) ?? 0;
    counts.set(plan, n);
    input.ctx.progress({ file: plan.file.rel, rows: n, step: 'loaded', message: `Loaded ${plan.file.rel}: ${n} rows` });
  }
  return counts;
}

function insertSql(input: InsertInput, st: Statement, fileId: string): string {
  return `INSERT INTO ${input.target} (${[...st.into, ...LINEAGE_COLUMNS.map((l) => l.name)].join(', ')})
    SELECT ${[...st.select, fileId, '$2::TIMESTAMPTZ'].join(', ')} FROM ${st.from}`;
}

/** Inserts one file; a reader error becomes one that names the file and, when known, the line. */
async function insertOne(conn: WarehouseConnection, input: InsertInput, st: Statement, meter: LoadMeter): Promise<number> {
  const plan = st.plans[0]!;
  const rel = plan.file.rel;
  input.ctx.progress({ file: rel, step: 'loading', message: `Loading ${rel}` });
  let rows: number;
  try {
    const [res] = await meter.measure(plan.file.size, () =>
      conn.all<{ Count: number }>(insertSql(input, st, '$1::INTEGER'), [input.ids.get(plan)!, input.ctx.loadedAt.toISOString(), globSafePath(plan.file.abs)]),
    );
    rows = Number(res?.Count ?? 0);
  } catch (err) {
    // A description borrowed from another file may be what did not fit: the retry describes this file itself.
    if (input.batched && plan.borrowed) throw new BatchReadError([rel], { cause: err });
    throw input.reader.fileError(rel, err);
  }
  input.ctx.progress({ file: rel, rows, step: 'loaded', message: `Loaded ${rel}: ${rows} rows` });
  return rows;
}

/** Inserts several files that read alike with one statement over the list of their paths. */
async function insertBatch(conn: WarehouseConnection, input: InsertInput, st: Statement, meter: LoadMeter): Promise<void> {
  const files = st.plans.map((p) => p.file.rel);
  input.ctx.progress({ step: 'loading', message: `Loading ${files.length} files (${files[0]} ... ${files[files.length - 1]})` });
  const ids = st.plans.map((p) => input.ids.get(p)!);
  const paths = st.plans.map((p) => globSafePath(p.file.abs));
  const bytes = st.plans.reduce((n, p) => n + p.file.size, 0);
  try {
    // file_index numbers the files of the list from 0, in list order.
    await meter.measure(bytes, () => conn.run(insertSql(input, st, '($1::INTEGER[])[(file_index + 1)::BIGINT]'), [listValue(ids), input.ctx.loadedAt.toISOString(), listValue(paths)]));
  } catch (err) {
    throw new BatchReadError(files, { cause: err });
  }
}
