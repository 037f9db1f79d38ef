import mysql from 'mysql2';
import { DangoError } from '../../../errors';
import type { RowBatch } from '../../rows';
import type { CheckContext } from '../connector';
import { mapMysqlColumn } from './mysql-types';
import type { SqlSourceConfig } from './sql-config';
import { defineSqlConnector } from './sql-connector';
import { resolveEndpoint, UNREACHABLE_CODES, type SqlFailureClassifier, type SqlTarget } from './sql-target';
import { selectTables, type CatalogTable, type TablePlan } from './table-plan';
import { mysqlTemplate } from '../source-templates';

interface MysqlTarget extends SqlTarget {
  options: mysql.ConnectionOptions;
  database: string | undefined;
}

function target(ctx: CheckContext, config: SqlSourceConfig): MysqlTarget {
  // Every value as MySQL's exact text (the load casts it): no JS numbers, no local-time Dates.
  const base: mysql.ConnectionOptions = { connectTimeout: 15_000, timezone: 'Z', typeCast: (field) => field.string() };
  const e = resolveEndpoint(ctx, config, { port: 3306, user: 'root' });
  const { where, user, database, secrets } = e;
  if (e.url !== undefined) return { options: { ...base, uri: e.url }, where, user, database, secrets };
  return { options: { ...base, host: e.host, port: e.port, user, password: e.password, database, ssl: e.ssl }, where, user, database, secrets };
}

const classify: SqlFailureClassifier = (code, { target: t, raw, of }) => {
  if (code && (UNREACHABLE_CODES.has(code) || code === 'PROTOCOL_CONNECTION_LOST')) return 'unreachable';
  if (code === 'ER_ACCESS_DENIED_ERROR') return 'password';
  if (code === 'ER_TABLEACCESS_DENIED_ERROR' || code === 'ER_DBACCESS_DENIED_ERROR' || code === 'ER_COLUMNACCESS_DENIED_ERROR') return 'permission';
  if (code === 'ER_NO_SUCH_TABLE') return 'missing-table';
  if (code === 'ER_BAD_DB_ERROR') return new DangoError('NOT_FOUND', `Database not found on the MySQL server at ${t.where} (${of}): ${raw}`);
  return undefined;
};

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

/**
 * The `mysql` source type (MySQL and MariaDB): every table of one database (or the listed ones)
 * into `raw_<source>`, all read in one consistent-snapshot transaction, each streamed row by row
 * from the driver into the row loader's staging file.
 */
export const mysqlConnector = defineSqlConnector({
  type: 'mysql',
  sourceTemplate: mysqlTemplate,
  driver: {
    label: 'MySQL',
    target,
    schema: (config, t) => config.schema ?? config.database ?? t.database ?? '',
    open(t, schema, source) {
      if (!schema) throw new DangoError('CONFIG_INVALID', `Source '${source}': mysql.schema (or database) is required`);
      const conn = mysql.createConnection(t.options);
      conn.on('error', () => undefined);
      return conn;
    },
    start: async (conn) => void (await query(conn, "SET time_zone = '+00:00'")),
    close: (conn) => conn.destroy(),
    async beginSnapshot(conn) {
      await query(conn, 'SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
      await query(conn, 'START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    },
    commit: async (conn) => void (await query(conn, 'COMMIT')),
    catalog: readCatalog,
    reader(conn, schema, plan) {
      const { sql, values } = selectSql(schema, plan);
      return () => ({ batches: streamRows(conn, sql, values) });
    },
    classify,
  },
});
