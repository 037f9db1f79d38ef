import { DangoError, errorMessage } from '../../errors';
import type { WarehouseConnection } from '../../warehouse';
import { globSafePath, quoteIdent, quoteLiteral } from '../../warehouse/sql';
import type { ModelNode, SeedNode, SnapshotNode } from '../graph/nodes';
import { relationSql } from '../graph/nodes';

/** What one materialisation did. */
export interface MaterializeResult {
  rows_affected: number | null;
  /** dbt's short status text, e.g. `OK`, `CREATE VIEW`, `INSERT 12`. */
  message: string;
}

/** What the warehouse holds, read once per run and kept current by it (so no catalog query per model). */
export interface RelationKinds {
  /** Table or view, keyed by `relationKey(schema, name)`. */
  relations: Map<string, 'table' | 'view'>;
  schemas: Set<string>;
}

/** The key of a relation in `RelationKinds`. */
export const relationKey = (schema: string, name: string): string => `${schema}\0${name}`;

/** Reads every relation and schema of the warehouse's own catalog. */
export async function readRelationKinds(all: <T>(sql: string) => Promise<T[]>): Promise<RelationKinds> {
  const rows = await all<{ s: string; n: string; t: string }>(
    'SELECT table_schema AS s, table_name AS n, table_type AS t FROM information_schema.tables WHERE table_catalog = current_database()',
  );
  const schemas = await all<{ s: string }>('SELECT schema_name AS s FROM information_schema.schemata WHERE catalog_name = current_database()');
  return {
    relations: new Map(rows.map((r) => [relationKey(r.s, r.n), r.t === 'VIEW' ? 'view' : 'table'])),
    schemas: new Set(schemas.map((r) => r.s)),
  };
}

/** Records a relation a committed write created. */
export function rememberRelation(kinds: RelationKinds, schema: string, name: string, kind: 'table' | 'view'): void {
  kinds.relations.set(relationKey(schema, name), kind);
  kinds.schemas.add(schema);
}


// DuckDB answers CREATE TABLE AS / INSERT / MERGE with one `Count` row.
async function runCount(conn: WarehouseConnection, sql: string): Promise<number> {
  const [row] = await conn.all<{ Count?: number | string }>(sql);
  return Number(row?.Count ?? 0);
}

/** Builds `selectSql` into a temp table and swaps it in (the caller holds one transaction). */
async function buildAndSwap(conn: WarehouseConnection, kinds: RelationKinds, schema: string, name: string, selectSql: string): Promise<number> {
  const tmp = relationSql(schema, `${name}__dbt_tmp`);
  await ensureSchema(conn, kinds, schema);
  // OR REPLACE clears a temp table left by a crash; nothing else is ever called <name>__dbt_tmp.
  const rows = await runCount(conn, `CREATE OR REPLACE TABLE ${tmp} AS\n${selectSql}`);
  const old = kinds.relations.get(relationKey(schema, name));
  // One round trip for the swap: the statements are fixed text around quoted identifiers.
  await conn.run(`${old ? `DROP ${old === 'view' ? 'VIEW' : 'TABLE'} IF EXISTS ${relationSql(schema, name)}; ` : ''}ALTER TABLE ${tmp} RENAME TO ${quoteIdent(name)}`);
  return rows;
}

async function ensureSchema(conn: WarehouseConnection, kinds: RelationKinds, schema: string): Promise<void> {
  if (!kinds.schemas.has(schema)) await conn.run(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
}

async function columnsOf(conn: WarehouseConnection, schema: string, name: string, temp = false): Promise<{ name: string; type: string }[]> {
  return conn.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 ${temp ? '' : 'AND table_catalog = current_database()'} ORDER BY ordinal_position`,
    [schema, name],
  );
}

function keyList(key: unknown): string[] {
  if (key === null || key === undefined || key === '') return [];
  return (Array.isArray(key) ? key : [key]).map(String);
}

/** Applies `on_schema_change` and returns the columns to insert. */
async function reconcileColumns(conn: WarehouseConnection, node: ModelNode, tmp: string): Promise<string[]> {
  const target = await columnsOf(conn, node.schema, node.alias);
  const incoming = await columnsOf(conn, 'main', tmp, true);
  const have = new Set(target.map((c) => c.name));
  const added = incoming.filter((c) => !have.has(c.name));
  const removed = target.filter((c) => !incoming.some((i) => i.name === c.name));
  const mode = String(node.config.on_schema_change ?? 'ignore');
  if (mode === 'fail' && (added.length || removed.length)) {
    throw new DangoError('RUN_FAILED', `The columns of ${node.name} changed (added: ${added.map((c) => c.name).join(', ') || 'none'}; removed: ${removed.map((c) => c.name).join(', ') || 'none'}) and on_schema_change is 'fail'`);
  }
  if (mode === 'append_new_columns' || mode === 'sync_all_columns') {
    for (const c of added) await conn.run(`ALTER TABLE ${node.relation} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
    if (mode === 'sync_all_columns') for (const c of removed) await conn.run(`ALTER TABLE ${node.relation} DROP COLUMN ${quoteIdent(c.name)}`);
    return incoming.map((c) => c.name);
  }
  return target.map((c) => c.name).filter((n) => incoming.some((i) => i.name === n));
}

async function incremental(conn: WarehouseConnection, node: ModelNode, sql: string): Promise<MaterializeResult> {
  const tmp = `${node.alias}__dbt_tmp`;
  await conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(tmp)}`);
  await conn.run(`CREATE TEMP TABLE ${quoteIdent(tmp)} AS\n${sql}`);
  try {
    const cols = await reconcileColumns(conn, node, tmp);
    const colSql = cols.map(quoteIdent).join(', ');
    const keys = keyList(node.config.unique_key);
    const strategy = String(node.config.incremental_strategy ?? (keys.length ? 'delete+insert' : 'append'));
    const src = `temp.main.${quoteIdent(tmp)}`;
    // dbt's delete+insert without a unique_key deletes nothing and inserts; merge cannot match without one.
    if (strategy === 'merge' && !keys.length) throw new DangoError('CONFIG_INVALID', `Incremental strategy 'merge' of ${node.name} needs a unique_key`);
    if (strategy === 'merge') {
      const on = keys.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
      const set = cols.filter((c) => !keys.includes(c)).map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ');
      const rows = await runCount(conn, `MERGE INTO ${node.relation} AS t USING ${src} AS s ON ${on}
        ${set ? `WHEN MATCHED THEN UPDATE SET ${set}` : ''}
        WHEN NOT MATCHED THEN INSERT (${colSql}) VALUES (${cols.map((c) => `s.${quoteIdent(c)}`).join(', ')})`);
      return { rows_affected: rows, message: `MERGE ${rows}` };
    }
    if (strategy === 'delete+insert' && keys.length) {
      const on = keys.map((k) => `${node.relation}.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
      await conn.run(`DELETE FROM ${node.relation} USING ${src} AS s WHERE ${on}`);
    } else if (strategy !== 'append' && strategy !== 'delete+insert') {
      throw new DangoError('CONFIG_INVALID', `Unknown incremental_strategy '${strategy}' on ${node.name} (use append, merge or delete+insert)`);
    }
    const rows = await runCount(conn, `INSERT INTO ${node.relation} (${colSql}) SELECT ${colSql} FROM ${src}`);
    return { rows_affected: rows, message: `INSERT ${rows}` };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS temp.main.${quoteIdent(tmp)}`);
  }
}

/**
 * Materialises one model inside the caller's write transaction: a view is replaced, a table is
 * built under a temp name and swapped in, an incremental model inserts/merges its new rows.
 */
export async function materializeModel(
  conn: WarehouseConnection, kinds: RelationKinds, node: ModelNode, sql: string, incrementalRun: boolean, hooks?: NodeHooks,
): Promise<MaterializeResult> {
  return withHooks(conn, node, hooks, async () => {
    // dbt puts `sql_header` (SET statements, DuckDB macros) in front of the model's statement; same session here.
    const header = node.config.sql_header;
    if (typeof header === 'string' && header.trim()) await conn.run(header);
    return materialize(conn, kinds, node, sql, incrementalRun);
  });
}

/** A model's or seed's rendered `pre-hook` and `post-hook` statements. */
export interface NodeHooks {
  pre: string[];
  post: string[];
}

/** Runs `build` between the node's hooks, in its transaction: a failing hook fails the node and rolls back what it built. */
export async function withHooks(conn: WarehouseConnection, node: ModelNode | SeedNode | SnapshotNode, hooks: NodeHooks | undefined, build: () => Promise<MaterializeResult>): Promise<MaterializeResult> {
  try {
    for (const h of hooks?.pre ?? []) await conn.run(h);
    const result = await build();
    for (const h of hooks?.post ?? []) await conn.run(h);
    return result;
  } catch (err) {
    if (err instanceof DangoError) throw err;
    throw new DangoError('RUN_FAILED', `Database error in ${node.resource_type} ${node.name} (${node.original_file_path}): ${errorMessage(err)}`, { cause: err });
  }
}

async function materialize(conn: WarehouseConnection, kinds: RelationKinds, node: ModelNode, sql: string, incrementalRun: boolean): Promise<MaterializeResult> {
  const kind = node.config.materialized;
  if (kind === 'view') {
    await ensureSchema(conn, kinds, node.schema);
    const drop = kinds.relations.get(relationKey(node.schema, node.alias)) === 'table' ? `DROP TABLE IF EXISTS ${node.relation}; ` : '';
    await conn.run(`${drop}CREATE OR REPLACE VIEW ${node.relation} AS\n${sql}`);
    return { rows_affected: null, message: 'CREATE VIEW' };
  }
  if (kind === 'table' || (kind === 'incremental' && !incrementalRun)) {
    const rows = await buildAndSwap(conn, kinds, node.schema, node.alias, sql);
    return { rows_affected: rows, message: `SELECT ${rows}` };
  }
  if (kind === 'incremental') return incremental(conn, node, sql);
  throw new DangoError('CONFIG_INVALID', `Unknown materialization '${kind}' on model ${node.name} (use view, table, incremental or ephemeral)`);
}

/** Loads a seed CSV through DuckDB's reader into its table (temp name, then swapped in). */
export async function loadSeed(conn: WarehouseConnection, kinds: RelationKinds, node: SeedNode, hooks?: NodeHooks): Promise<MaterializeResult> {
  const opts: string[] = ['header = true', 'auto_detect = true'];
  const types = node.config.column_types;
  if (types && typeof types === 'object') {
    const entries = Object.entries(types as Record<string, unknown>).map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(String(v))}`);
    if (entries.length) opts.push(`types = {${entries.join(', ')}}`);
  }
  if (typeof node.config.delimiter === 'string') opts.push(`delim = ${quoteLiteral(node.config.delimiter)}`);
  return withHooks(conn, node, hooks, async () => {
    const rows = await buildAndSwap(conn, kinds, node.schema, node.alias, `SELECT * FROM read_csv(${quoteLiteral(globSafePath(node.csvPath))}, ${opts.join(', ')})`);
    return { rows_affected: rows, message: `INSERT ${rows}` };
  });
}
