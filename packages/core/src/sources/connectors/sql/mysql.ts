import mysql from 'mysql2';
import { DangoError, isDangoError } from '../../../errors';
import { readCursorState, stageRowTables, type RowBatch, type RowTable } from '../../rows';
import { defineConnector, type CheckContext } from '../connector';
import { mapMysqlColumn } from './mysql-types';
import { parseSqlConfig, secretFromEnv, scrubSecrets, sqlSourceConfigSchema, type SqlSourceConfig } from './sql-config';
import { planTable, selectTables, type CatalogTable, type TablePlan } from './table-plan';
import { mysqlTemplate } from '../source-templates';

interface MysqlTarget {
  options: mysql.ConnectionOptions;
  where: string;
  user: string;
  database: string | undefined;
  secrets: string[];
}

function target(ctx: CheckContext, config: SqlSourceConfig): MysqlTarget {
  // Every value as MySQL's exact text (the load casts it): no JS numbers, no local-time Dates.
  const base: mysql.ConnectionOptions = { connectTimeout: 15_000, timezone: 'Z', typeCast: (field) => field.string() };
  if (config.connection_string_env) {
    const uri = secretFromEnv(ctx, 'connection_string_env', config.connection_string_env);
    let where = 'the configured server';
    let user = 'the configured user';
    let database: string | undefined;
    let password: string | undefined;
    try {
      const parsed = new URL(uri);
      where = `${parsed.hostname}:${parsed.port || 3306}`;
      user = decodeURIComponent(parsed.username) || user;
      database = decodeURIComponent(parsed.pathname.slice(1)) || undefined;
      password = decodeURIComponent(parsed.password) || undefined;
    } catch {
      /* mysql2 reports a malformed URI itself */
    }
    return { options: { ...base, uri }, where, user, database, secrets: [uri, password].filter((s): s is string => Boolean(s)) };
  }
  const password = config.password_env ? secretFromEnv(ctx, 'password_env', config.password_env) : undefined;
  const host = config.host ?? '127.0.0.1';
  const port = config.port ?? 3306;
  const user = config.user ?? 'root';
  return {
    options: { ...base, host, port, user, password, database: config.database, ssl: config.ssl ? { rejectUnauthorized: false } : undefined },
    where: `${host}:${port}`,
    user,
    database: config.database,
    secrets: password ? [password] : [],
  };
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EAI_AGAIN', 'ENETUNREACH', 'PROTOCOL_CONNECTION_LOST']);

/** A driver error as a clear message naming the source (and the table being read); secrets scrubbed. */
function mysqlFailure(err: unknown, source: string, t: MysqlTarget, schema: string, table: string | undefined): DangoError {
  if (isDangoError(err)) return err;
  const e = err as { code?: string; message?: string };
  const raw = scrubSecrets(e.message ?? String(err), t.secrets);
  const of = `source '${source}'`;
  const reading = table ? ` reading ${schema}.${table}` : '';
  if (e.code && UNREACHABLE.has(e.code)) return new DangoError('UPSTREAM', `Cannot reach the MySQL server at ${t.where} (${of})${reading}: ${e.code}`);
  if (e.code === 'ER_ACCESS_DENIED_ERROR') return new DangoError('UPSTREAM', `MySQL at ${t.where} rejected the password of user ${t.user} (${of})`);
  if (e.code === 'ER_TABLEACCESS_DENIED_ERROR' || e.code === 'ER_DBACCESS_DENIED_ERROR' || e.code === 'ER_COLUMNACCESS_DENIED_ERROR') {
    return new DangoError('UPSTREAM', `Permission denied${reading} (${of}): grant SELECT on it to user ${t.user}`);
  }
  if (e.code === 'ER_NO_SUCH_TABLE') return new DangoError('NOT_FOUND', `Table ${schema}.${table ?? '?'} not found (${of})`);
  if (e.code === 'ER_BAD_DB_ERROR') return new DangoError('NOT_FOUND', `Database not found on the MySQL server at ${t.where} (${of}): ${raw}`);
  return new DangoError('UPSTREAM', `MySQL error${reading} (${of}): ${raw}`);
}

type Conn = mysql.Connection;

function query<T>(conn: Conn, sql: string, values: unknown[] = []): Promise<T[]> {
  return new Promise((resolve, reject) => conn.query({ sql, values, rowsAsArray: false }, (err, rows) => (err ? reject(err) : resolve(rows as T[]))));
}

async function readCatalog(conn: Conn, schema: string, config: SqlSourceConfig): Promise<CatalogTable[]> {
  const listed = await query<{ name: string }>(
    conn,
    "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1",
    [schema],
  );
  if (listed.length === 0 && !config.tables) throw new DangoError('NOT_FOUND', `Database ${schema} has no tables (or none visible to this user)`);
  const names = selectTables(config, listed.map((r) => r.name), schema);
  if (names.length === 0) return [];
  const cols = await query<{ tbl: string; name: string; dataType: string; columnType: string }>(
    conn,
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name, DATA_TYPE AS dataType, COLUMN_TYPE AS columnType
       FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?) ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema, names],
  );
  const keys = await query<{ tbl: string; name: string }>(
    conn,
    `SELECT TABLE_NAME AS tbl, COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
      WHERE TABLE_SCHEMA = ? AND TABLE_NAME IN (?) AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY TABLE_NAME, ORDINAL_POSITION`,
    [schema, names],
  );
  // MariaDB's JSON is LONGTEXT with a json_valid() check; MySQL has no such checks (and a real JSON type).
  const checks = await query<{ tbl: string; clause: string }>(
    conn,
    'SELECT TABLE_NAME AS tbl, CHECK_CLAUSE AS clause FROM information_schema.CHECK_CONSTRAINTS WHERE CONSTRAINT_SCHEMA = ? AND TABLE_NAME IN (?)',
    [schema, names],
  ).catch(() => []);
  return names.map((name) => ({
    name,
    columns: cols
      .filter((c) => c.tbl === name)
      .map((c) => {
        const json = checks.some((k) => k.tbl === name && k.clause.replaceAll(' ', '').toLowerCase() === `json_valid(\`${c.name.toLowerCase()}\`)`);
        return mapMysqlColumn({ ...c, json }, mysql.escapeId(c.name));
      }),
    primaryKey: keys.filter((k) => k.tbl === name).map((k) => k.name),
  }));
}

function selectSql(schema: string, plan: TablePlan): { sql: string; values: string[] } {
  const cols = plan.table.columns.map((c) => c.select).join(', ');
  const cursor = plan.cursor ? mysql.escapeId(plan.cursor) : '';
  // Stored timestamps carry `+00`; MySQL compares the bare UTC text (the session is in UTC).
  const values = plan.window.map((w) => w.value.replace(/\+00$/, ''));
  const where = plan.window.map((w) => `${cursor} ${w.op} ?`);
  return { sql: `SELECT ${cols} FROM ${mysql.escapeId(schema)}.${mysql.escapeId(plan.table.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`, values };
}

/** Streams a query's rows (arrays of exact text) in batches; the driver pauses the socket while a batch is staged. */
async function* streamRows(conn: Conn, sql: string, values: unknown[]): AsyncIterable<RowBatch> {
  const stream = conn.query({ sql, values, rowsAsArray: true }).stream({ highWaterMark: 2000 });
  let batch: unknown[][] = [];
  for await (const row of stream as AsyncIterable<unknown[]>) {
    batch.push(row);
    if (batch.length >= 2000) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

async function withConnection<T>(ctx: CheckContext, job: (conn: Conn, config: SqlSourceConfig, schema: string, current: { table?: string }) => Promise<T>): Promise<T> {
  const config = parseSqlConfig(ctx.source, 'mysql');
  const t = target(ctx, config);
  const schema = config.schema ?? config.database ?? t.database ?? '';
  const current: { table?: string } = {};
  let conn: Conn | undefined;
  try {
    if (!schema) throw new DangoError('CONFIG_INVALID', `Source '${ctx.source.name}': mysql.schema (or database) is required`);
    conn = mysql.createConnection(t.options);
    conn.on('error', () => undefined);
    await query(conn, "SET time_zone = '+00:00'");
    return await job(conn, config, schema, current);
  } catch (err) {
    throw mysqlFailure(err, ctx.source.name, t, schema, current.table);
  } finally {
    conn?.destroy();
  }
}

/**
 * The `mysql` source type (MySQL and MariaDB): every table of one database (or the listed ones)
 * into `raw_<source>`, all read in one consistent-snapshot transaction, each streamed row by row
 * from the driver into the row loader's staging file.
 */
export const mysqlConnector = defineConnector({
  type: 'mysql',
  sourceTemplate: mysqlTemplate,
  configSchema: sqlSourceConfigSchema,
  validate(source) {
    parseSqlConfig(source, 'mysql');
  },
  async check(ctx) {
    return withConnection(ctx, async (conn, config, schema) => {
      const catalog = await readCatalog(conn, schema, config);
      return { tables: catalog.map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.column.name, type: c.column.type })) })) };
    });
  },
  async prepare(ctx) {
    const state = await readCursorState(ctx.warehouse, ctx.source.name);
    return withConnection(ctx, async (conn, config, schema, current) => {
      await query(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await query(conn, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
      const catalog = await readCatalog(conn, schema, config);
      const tables: RowTable[] = catalog.map((t) => {
        const plan = planTable(t, config, ctx.options, state.get(t.name), schema);
        const { sql, values } = selectSql(schema, plan);
        return {
          name: t.name,
          columns: t.columns.map((c) => c.column),
          disposition: plan.disposition,
          primaryKey: plan.primaryKey,
          cursor: plan.cursor,
          read: () => {
            current.table = t.name;
            return { batches: streamRows(conn, sql, values) };
          },
        };
      });
      const load = await stageRowTables(ctx, tables, state);
      current.table = undefined;
      // Ending the read-only snapshot cannot lose data, but a failure here must not leave the staged files behind.
      await query(conn, 'COMMIT').catch(async (err: unknown) => {
        await load.dispose();
        throw err;
      });
      return load;
    });
  },
});
