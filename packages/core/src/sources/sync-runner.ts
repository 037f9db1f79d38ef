import type { SourceConfig } from '../config';
import type { PlatformContext } from '../context';
import { DangoError, errorMessage, isDangoError } from '../errors';
import { quoteIdent, type WarehouseConnection } from '../warehouse';
import { SourceFileError, type LoadOutcome, type RawTable, type ResolvedSyncOptions } from './connectors/connector';
import type { SyncHistory } from './history';
import { createRedactor, redactError, secretValues } from './secrets';
import type { SyncResult } from './types';

/** The warehouse schema holding a source's tables. */
export function rawSchema(source: string): string {
  return `raw_${source}`;
}

async function tableRowCounts(conn: WarehouseConnection, schema: string): Promise<Map<string, number>> {
  const tables = await conn.all<{ name: string }>(
    'SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = $1',
    [schema],
  );
  const counts = new Map<string, number>();
  for (const t of tables) {
    const [row] = await conn.all<{ n: number }>(`SELECT count(*) AS n FROM ${quoteIdent(schema)}.${quoteIdent(t.name)}`);
    counts.set(t.name, Number(row?.n ?? 0));
  }
  return counts;
}

/**
 * Refuses a load that turned a table with rows into an empty (or vanished) one, unless asked for. Only a
 * table that had rows can be emptied, so a first load (or an allowed empty) never counts rows again.
 */
async function assertNothingEmptied(conn: WarehouseConnection, schema: string, before: Map<string, number>, allowEmpty: boolean): Promise<void> {
  if (allowEmpty || ![...before.values()].some((n) => n > 0)) return;
  const after = await tableRowCounts(conn, schema);
  for (const [table, n] of before) {
    if (n > 0 && (after.get(table) ?? 0) === 0) {
      throw new DangoError(
        'CONFLICT',
        `Refusing to empty ${schema}.${table} (${n} ${n === 1 ? 'row' : 'rows'}): this sync found no rows for it (files removed or empty). ` +
          'The previous data is kept; sync with allowEmpty to empty it, or delete files through Dango.',
      );
    }
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The reason shown in history, events and logs: our own messages whole, a foreign error's first line. */
export function failureReason(err: unknown): string {
  const message = errorMessage(err);
  if (isDangoError(err) || err instanceof SourceFileError) return message;
  const first = message.split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}

/** A finished sync and the connector's deferred bookkeeping, if any. */
export interface ExecutedSync {
  result: SyncResult;
  /** The tables the load wrote (see `LoadOutcome.tables`). */
  tables?: RawTable[];
  afterCommit?: () => Promise<void>;
}

/**
 * Runs one sync of one source: extraction outside the write queue, then the load, its schema
 * changes and its tracking rows in ONE transaction, then one history entry. Never throws: a failure
 * becomes a `failed` result (and rolls the load back, so the previous data stays intact).
 */
export async function executeSync(
  ctx: PlatformContext,
  history: SyncHistory,
  source: SourceConfig,
  options: ResolvedSyncOptions,
  startedAt: Date,
): Promise<ExecutedSync> {
  const name = source.name;
  const schema = rawSchema(name);
  ctx.emit('sync_started', { source: name, full_refresh: options.fullRefresh, message: `Starting sync for ${name}` });
  const t0 = performance.now();
  let outcome: LoadOutcome | null = null;
  let error: unknown = null;
  const connector = ctx.connectors.get(source.type);
  // No secret of the source may reach history, events or logs, whatever a driver puts in its messages.
  const redact = createRedactor(secretValues(source, ctx.env));
  try {
    const prepared = await connector.prepare({
      source,
      schema,
      root: ctx.root,
      warehouse: ctx.warehouse,
      env: ctx.env,
      options,
      loadedAt: startedAt,
      progress: (fields) => ctx.emit('sync_progress', { ...fields, message: redact(fields.message), source: name }),
    }, connector.config(source));
    outcome = await ctx.warehouse.write(
      async (conn) => {
        const before = await tableRowCounts(conn, schema);
        const result = await prepared.load(conn);
        await assertNothingEmptied(conn, schema, before, options.allowEmpty);
        return result;
      },
      { transaction: true },
    );
  } catch (err) {
    error = redactError(err, redact);
    const record = connector.recordFailure?.bind(connector);
    if (record) await ctx.warehouse.write((conn) => record(conn, source, error)).catch(() => undefined);
  }
  const finishedAt = new Date();
  const result: SyncResult = {
    source_name: name,
    status: error === null ? 'success' : 'failed',
    rows_processed: outcome?.rows ?? 0,
    duration_seconds: round2((performance.now() - t0) / 1000),
    full_refresh: options.fullRefresh,
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    error_message: error === null ? null : redact(failureReason(error)),
  };
  if (outcome?.files) result.files = outcome.files;
  await history
    .append(name, {
      timestamp: result.finished_at,
      status: result.status,
      duration_seconds: result.duration_seconds,
      rows_processed: result.rows_processed,
      full_refresh: result.full_refresh,
      error_message: result.error_message,
    })
    .catch((err) => ctx.emit('log', { level: 'WARNING', source: name, message: `Could not write sync history of ${name}: ${errorMessage(err)}` }));
  return { result, tables: outcome?.tables, afterCommit: outcome?.afterCommit };
}

/** Emits the end of a sync: `sync_completed` with `rows`, or `sync_failed` with `error`. */
export function announceResult(ctx: PlatformContext, result: SyncResult): void {
  const source = result.source_name;
  if (result.status === 'success') {
    ctx.emit('sync_completed', {
      source,
      rows: result.rows_processed,
      duration_seconds: result.duration_seconds,
      message: `Sync completed: ${result.rows_processed} rows`,
    });
  } else {
    const reason = result.error_message ?? 'unknown error';
    ctx.emit('sync_failed', { source, error: reason, message: `Sync failed: ${reason}` });
  }
}
