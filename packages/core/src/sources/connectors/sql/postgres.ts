import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DangoError, isDangoError } from '../../../errors';
import { readCursorState, stageRowTables, type RowTable } from '../../rows';
import { defineConnector, type CheckContext } from '../connector';
import { mapPgColumn, type PgCatalogColumn } from './postgres-types';
import { parseSqlConfig, secretFromEnv, scrubSecrets, sqlSourceConfigSchema, type SqlSourceConfig } from './sql-config';
import { planTable, selectTables, type CatalogTable, type TablePlan } from './table-plan';
import { postgresTemplate } from '../source-templates';

interface PgTarget {
  config: pg.ClientConfig;
  /** `host:port` for messages (never the connection string). */
  where: string;
  user: string;
  secrets: string[];
}

function target(ctx: CheckContext, config: SqlSourceConfig): PgTarget {
  const base = { application_name: 'dango', connectionTimeoutMillis: 15_000 };
  if (config.connection_string_env) {
    const url = secretFromEnv(ctx, 'connection_string_env', config.connection_string_env);
    let where = 'the configured server';
    let user = 'the configured user';
    let password: string | undefined;
    try {
      const parsed = new URL(url);
      where = `${parsed.hostname}:${parsed.port || 5432}`;
      user = decodeURIComponent(parsed.username) || user;
      password = decodeURIComponent(parsed.password) || undefined;
    } catch {
      /* not a URL (a key=value string): pg parses it; messages stay generic */
    }
    return { config: { ...base, connectionString: url }, where, user, secrets: [url, password].filter((s): s is string => Boolean(s)) };
  }
  const password = config.password_env ? secretFromEnv(ctx, 'password_env', config.password_env) : undefined;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? 5432;
  const user = config.user ?? 'postgres';
  return {
    config: { ...base, host, port, user, password, database: config.database, ssl: config.ssl ? { rejectUnauthorized: false } : undefined },
    where: `${host}:${port}`,
    user,
    secrets: password ? [password] : [],
  };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ENETUNREACH']);

/** A driver error as a clear message naming the source (and the table being read); secrets scrubbed. */
function pgFailure(err: unknown, source: string, t: PgTarget, schema: string, table: string | undefined): DangoError {
  if (isDangoError(err)) return err;
  const e = err as { code?: string; message?: string };
  const raw = scrubSecrets(e.message ?? String(err), t.secrets);
  const of = `source '${source}'`;
  const reading = table ? ` reading ${schema}.${table}` : '';
  if ((e.code && UNREACHABLE.has(e.code)) || /timeout expired|Connection terminated/i.test(raw)) {
    return new DangoError('UPSTREAM', `Cannot reach the PostgreSQL server at ${t.where} (${of})${reading}: ${e.code ?? raw}`);
  }
  if (e.code === '28P01') return new DangoError('UPSTREAM', `PostgreSQL at ${t.where} rejected the password of user ${t.user} (${of})`);
  if (e.code === '28000') return new DangoError('UPSTREAM', `PostgreSQL at ${t.where} refused the login of user ${t.user} (${of}): ${raw}`);
  if (e.code === '42501') return new DangoError('UPSTREAM', `Permission denied${reading || ''} (${of}): grant SELECT on it to user ${t.user}`);
  if (e.code === '42P01') return new DangoError('NOT_FOUND', `Table ${schema}.${table ?? '?'} not found (${of})`);
  return new DangoError('UPSTREAM', `PostgreSQL error${reading} (${of}): ${raw}`);
}

async function readCatalog(client: pg.Client, schema: string, config: SqlSourceConfig): Promise<CatalogTable[]> {
  const listed = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND NOT c.relispartition ORDER BY 1`,
    [schema],
  );
  if (listed.rows.length === 0 && !config.tables) throw new DangoError('NOT_FOUND', `Schema ${schema} has no tables (or none visible to this user)`);
  const names = selectTables(config, listed.rows.map((r) => r.name), schema);
  const cols = await client.query<PgCatalogColumn & { tbl: string }>(
    `SELECT c.relname AS tbl, a.attname AS name,
            CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) ELSE format_type(a.atttypid, a.atttypmod) END AS type,
            bt.typtype AS kind, et.typtype AS "elemKind"
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_type bt ON bt.oid = CASE WHEN t.typtype = 'd' THEN t.typbasetype ELSE t.oid END
       LEFT JOIN pg_type et ON et.oid = bt.typelem AND bt.typcategory = 'A'
      WHERE n.nspname = $1 AND c.relname = ANY($2) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.relname, a.attnum`,
    [schema, names],
  );
  const keys = await client.query<{ tbl: string; name: string }>(
    `SELECT c.relname AS tbl, a.attname AS name
       FROM pg_index i JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
      WHERE i.indisprimary AND n.nspname = $1 AND c.relname = ANY($2)
      ORDER BY c.relname, array_position(i.indkey::int2[], a.attnum)`,
    [schema, names],
  );
  return names.map((name) => ({
    name,
    columns: cols.rows.filter((c) => c.tbl === name).map((c) => mapPgColumn(c, client.escapeIdentifier(c.name))),
    primaryKey: keys.rows.filter((k) => k.tbl === name).map((k) => k.name),
  }));
}

/** The COPY statement reading one table's planned rows as CSV in the row loader's staging dialect. */
function copySql(client: pg.Client, schema: string, plan: TablePlan): string {
  const select = plan.table.columns.map((c) => c.select).join(', ');
  const cursor = plan.cursor ? client.escapeIdentifier(plan.cursor) : '';
  const where = plan.window.map((w) => `${cursor} ${w.op} ${client.escapeLiteral(w.value)}${w.type === 'date' ? '::date' : ''}`);
  const from = `${client.escapeIdentifier(schema)}.${client.escapeIdentifier(plan.table.name)}`;
  return `COPY (SELECT ${select} FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}) TO STDOUT WITH (FORMAT csv)`;
}

async function withClient<T>(ctx: CheckContext, job: (client: pg.Client, config: SqlSourceConfig, schema: string, current: { table?: string }) => Promise<T>): Promise<T> {
  const config = parseSqlConfig(ctx.source, 'postgres');
  const schema = config.schema ?? 'public';
  const t = target(ctx, config);
  const client = new pg.Client(t.config);
  // A connection lost mid-sync surfaces through the running query; the client's own error event must not crash the process.
  client.on('error', () => undefined);
  const current: { table?: string } = {};
  try {
    await client.connect();
    // UTC timestamps, ISO dates and shortest-exact floats in the COPY's text, whatever the server's defaults.
    await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1");
    return await job(client, config, schema, current);
  } catch (err) {
    throw pgFailure(err, ctx.source.name, t, schema, current.table);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * The `postgres` source type: every table of one schema (or the listed ones) into `raw_<source>`,
 * all read in one REPEATABLE READ read-only transaction (one snapshot), each streamed with
 * `COPY ... TO STDOUT` straight into the row loader's staging file.
 */
export const postgresConnector = defineConnector({
  type: 'postgres',
  sourceTemplate: postgresTemplate,
  configSchema: sqlSourceConfigSchema,
  validate(source) {
    parseSqlConfig(source, 'postgres');
  },
  async check(ctx) {
    return withClient(ctx, async (client, config, schema) => {
      const catalog = await readCatalog(client, schema, config);
      return { tables: catalog.map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.column.name, type: c.column.type })) })) };
    });
  },
  async prepare(ctx) {
    const state = await readCursorState(ctx.warehouse, ctx.source.name);
    return withClient(ctx, async (client, config, schema, current) => {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const catalog = await readCatalog(client, schema, config);
      const tables: RowTable[] = catalog.map((t) => {
        const plan = planTable(t, config, ctx.options, state.get(t.name), schema);
        return {
          name: t.name,
          columns: t.columns.map((c) => c.column),
          disposition: plan.disposition,
          primaryKey: plan.primaryKey,
          cursor: plan.cursor,
          read: () => {
            current.table = t.name;
            return { csv: client.query(copyTo(copySql(client, schema, plan))) };
          },
        };
      });
      const load = await stageRowTables(ctx, tables, state);
      current.table = undefined;
      // Ending the read-only snapshot cannot lose data, but a failure here must not leave the staged files behind.
      await client.query('COMMIT').catch(async (err: unknown) => {
        await load.dispose();
        throw err;
      });
      return load;
    });
  },
});
