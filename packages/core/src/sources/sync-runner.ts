import type { SourceConfig } from '../config';
import type { PlatformContext } from '../context';
import { capMessage, DangoError, errorMessage, isDangoError } from '../errors';
import { SourceFileError, type LoadOutcome, type PreparedLoad, type RawTable, type ResolvedSyncOptions } from './connectors/connector';
import type { SyncHistory } from './history';
import { announceSchemaChanges } from './rows/schema-changes';
import { createRedactor, redactError, secretValues } from './secrets';
import { countTables, recordRowCounts } from './table-row-counts';
import type { SyncResult } from './types';

/** The warehouse schema holding a source's tables. */
export function rawSchema(source: string): string {
  return `raw_${source}`;
}

/** How each caller asks for an emptying sync, named by the refusal so every user finds the switch they have. */
export const ALLOW_EMPTY_HOWTO = '--allow-empty (dango sync), {"allow_empty": true} (POST /api/sources/{name}/sync) or allowEmpty: true (platform.sync)';

/** Refuses a load that turned a table with rows into an empty (or vanished) one, unless asked for. */
function assertNothingEmptied(schema: string, before: Map<string, number>, after: Map<string, number>, allowEmpty: boolean): void {
  if (allowEmpty) return;
  for (const [table, n] of before) {
    if (n > 0 && (after.get(table) ?? 0) === 0) {
      throw new DangoError(
        'CONFLICT',
        `Refusing to empty ${schema}.${table} (${n} ${n === 1 ? 'row' : 'rows'}): this sync found no rows for it (files removed or empty). ` +
          `The previous data is kept. To empty it, sync again with ${ALLOW_EMPTY_HOWTO}; or delete files through Dango.`,
      );
    }
  }
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** The reason shown in history, events and logs: our own messages whole, a foreign error's first line. */
export function failureReason(err: unknown): string {
  const message = errorMessage(err);
  if (isDangoError(err) || err instanceof SourceFileError) return capMessage(message);
  const first = message.split('\n').map((l) => l.trim()).find(Boolean) ?? 'unknown error';
  return first.length > 500 ? `${first.slice(0, 497)}...` : first;
}

/** A finished sync and the connector's deferred bookkeeping, if any. */
export interface ExecutedSync {
  result: SyncResult;
  /** The tables the load wrote (see `LoadOutcome.tables`). */
  tables?: RawTable[];
  afterCommit?: (signal: AbortSignal) => Promise<void>;
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
  let prepared: PreparedLoad | undefined;
  try {
    prepared = await connector.prepare({
      source,
      schema,
      root: ctx.root,
      warehouse: ctx.warehouse,
      env: ctx.env,
      options,
      loadedAt: startedAt,
      progress: (fields) => ctx.emit('sync_progress', { ...fields, message: redact(fields.message), source: name }),
      warn: (message) => ctx.emit('log', { level: 'WARNING', source: name, message: redact(message) }),
    }, connector.config(source));
    const load = prepared;
    outcome = await ctx.warehouse.write(
      async (conn) => {
        const before = await countTables(conn, schema);
        const result = await load.load(conn);
        // Counted after every load: the guard needs it, and the source list reads the recorded figures.
        const after = await countTables(conn, schema);
        assertNothingEmptied(schema, before, after, options.allowEmpty);
        await recordRowCounts(conn, schema, after);
        return result;
      },
      { transaction: true },
    );
    announceSchemaChanges(ctx, name, outcome.schemaChanges);
  } catch (err) {
    error = redactError(err, redact);
    const record = connector.recordFailure?.bind(connector);
    if (record) await ctx.warehouse.write((conn) => record(conn, source, error)).catch(() => undefined);
  } finally {
    await prepared?.dispose?.().catch(() => undefined);
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
