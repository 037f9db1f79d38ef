import { readCursorState, stageRowTables, type RowData, type RowTable } from '../../rows';
import { defineConnector, type CheckContext, type SourceTemplate } from '../connector';
import { parseSqlConfig, sqlSourceConfigSchema, type SqlSourceConfig } from './sql-config';
import { sqlFailure, type SqlFailureClassifier, type SqlTarget } from './sql-target';
import { planTable, type CatalogTable, type TablePlan } from './table-plan';

/** What one SQL database brings to `defineSqlConnector`: how to reach it, list its tables and read them. */
export interface SqlDriver<Conn, Target extends SqlTarget> {
  /** The server's name in messages (`PostgreSQL`, `MySQL`). */
  label: string;
  /** Where to connect (secrets read from env). */
  target(ctx: CheckContext, config: SqlSourceConfig): Target;
  /** The schema (database) whose tables are read. */
  schema(config: SqlSourceConfig, target: Target): string;
  /** Makes the (not yet connected) client; what it throws is reported like any driver error. */
  open(target: Target, schema: string, source: string): Conn;
  /** Connects and sets the session up (UTC, exact text); the client is closed after, even if this throws. */
  start(conn: Conn): Promise<void>;
  /** Closes the client; never throws. */
  close(conn: Conn): Promise<void> | void;
  /** Opens the read-only transaction all tables are read in (one snapshot). */
  beginSnapshot(conn: Conn): Promise<void>;
  /** Ends that transaction. */
  commit(conn: Conn): Promise<void>;
  /** The listed (or all) tables of the schema with their mapped columns and primary keys. */
  catalog(conn: Conn, schema: string, config: SqlSourceConfig): Promise<CatalogTable[]>;
  /** The reader of one table's planned rows, called when the row loader reaches the table. */
  reader(conn: Conn, schema: string, plan: TablePlan): () => RowData;
  /** Sorts a driver error for its message. */
  classify: SqlFailureClassifier;
}

/** Runs `job` on a started connection; any failure is reported by `sqlFailure`, the connection always closed. */
async function withSession<Conn, Target extends SqlTarget, R>(
  type: string,
  driver: SqlDriver<Conn, Target>,
  ctx: CheckContext,
  job: (conn: Conn, config: SqlSourceConfig, schema: string, current: { table?: string }) => Promise<R>,
): Promise<R> {
  const config = parseSqlConfig(ctx.source, type);
  const t = driver.target(ctx, config);
  const schema = driver.schema(config, t);
  const current: { table?: string } = {};
  let conn: Conn | undefined;
  try {
    conn = driver.open(t, schema, ctx.source.name);
    await driver.start(conn);
    return await job(conn, config, schema, current);
  } catch (err) {
    throw sqlFailure(driver.label, driver.classify, err, ctx.source.name, t, schema, current.table);
  } finally {
    if (conn !== undefined) await driver.close(conn);
  }
}

/**
 * A SQL database source type: every table of one schema (or the listed ones) into `raw_<source>`,
 * all read in one read-only snapshot transaction, each table streamed into the row loader's staging file.
 */
export function defineSqlConnector<Conn, Target extends SqlTarget>({ type, sourceTemplate, driver }: { type: string; sourceTemplate: SourceTemplate; driver: SqlDriver<Conn, Target> }) {
  return defineConnector({
    type,
    sourceTemplate,
    configSchema: sqlSourceConfigSchema,
    validate(source) {
      parseSqlConfig(source, type);
    },
    async check(ctx) {
      return withSession(type, driver, ctx, async (conn, config, schema) => {
        const catalog = await driver.catalog(conn, schema, config);
        return { tables: catalog.map((t) => ({ name: t.name, columns: t.columns.map((c) => ({ name: c.column.name, type: c.column.type })) })) };
      });
    },
    async prepare(ctx) {
      const state = await readCursorState(ctx.warehouse, ctx.source.name);
      return withSession(type, driver, ctx, async (conn, config, schema, current) => {
        await driver.beginSnapshot(conn);
        const catalog = await driver.catalog(conn, schema, config);
        const tables: RowTable[] = catalog.map((t) => {
          const plan = planTable(t, config, ctx.options, state.get(t.name), schema);
          const read = driver.reader(conn, schema, plan);
          return {
            name: t.name,
            columns: t.columns.map((c) => c.column),
            disposition: plan.disposition,
            primaryKey: plan.primaryKey,
            cursor: plan.cursor,
            read: () => {
              current.table = t.name;
              return read();
            },
          };
        });
        const load = await stageRowTables(ctx, tables, state);
        current.table = undefined;
        // Ending the read-only snapshot cannot lose data, but a failure here must not leave the staged files behind.
        await driver.commit(conn).catch(async (err: unknown) => {
          await load.dispose();
          throw err;
        });
        return load;
      });
    },
  });
}
