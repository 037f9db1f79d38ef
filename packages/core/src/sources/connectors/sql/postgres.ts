import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { DangoError } from '../../../errors';
import { mapPgColumn, type PgCatalogColumn } from './postgres-types';
import { selectTables, type CatalogTable, type TablePlan } from './table-plan';
import { postgresTemplate } from '../source-templates';
import type { CheckContext } from '../connector';
import type { SqlSourceConfig } from './sql-config';
import { defineSqlConnector } from './sql-connector';
import { resolveEndpoint, UNREACHABLE_CODES, type SqlFailureClassifier, type SqlTarget } from './sql-target';

interface PgTarget extends SqlTarget {
  config: pg.ClientConfig;
}

function target(ctx: CheckContext, config: SqlSourceConfig): PgTarget {
  const base = { application_name: 'dango', connectionTimeoutMillis: 15_000 };
  const e = resolveEndpoint(ctx, config, { port: 5432, user: 'postgres' });
  const { where, user, secrets } = e;
  if (e.url !== undefined) return { config: { ...base, connectionString: e.url }, where, user, secrets };
  return { config: { ...base, host: e.host, port: e.port, user, password: e.password, database: e.database, ssl: e.ssl }, where, user, secrets };
}

const classify: SqlFailureClassifier = (code, { target: t, raw, of }) => {
  if ((code && UNREACHABLE_CODES.has(code)) || /timeout expired|Connection terminated/i.test(raw)) return 'unreachable';
  if (code === '28P01') return 'password';
  if (code === '28000') return new DangoError('UPSTREAM', `PostgreSQL at ${t.where} refused the login of user ${t.user} (${of}): ${raw}`);
  if (code === '42501') return 'permission';
  if (code === '42P01') return 'missing-table';
  return undefined;
};

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

/**
 * The `postgres` source type: every table of one schema (or the listed ones) into `raw_<source>`,
 * all read in one REPEATABLE READ read-only transaction (one snapshot), each streamed with
 * `COPY ... TO STDOUT` straight into the row loader's staging file.
 */
export const postgresConnector = defineSqlConnector({
  type: 'postgres',
  sourceTemplate: postgresTemplate,
  driver: {
    label: 'PostgreSQL',
    target,
    schema: (config) => config.schema ?? 'public',
    open(t) {
      const client = new pg.Client(t.config);
      // A connection lost mid-sync surfaces through the running query; the client's own error event must not crash the process.
      client.on('error', () => undefined);
      return client;
    },
    async start(client) {
      await client.connect();
      // UTC timestamps, ISO dates and shortest-exact floats in the COPY's text, whatever the server's defaults.
      await client.query("SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1");
    },
    close: (client) => client.end().catch(() => undefined),
    beginSnapshot: async (client) => void (await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY')),
    commit: async (client) => void (await client.query('COMMIT')),
    catalog: readCatalog,
    reader: (client, schema, plan) => () => ({ csv: client.query(copyTo(copySql(client, schema, plan))) }),
    classify,
  },
});
