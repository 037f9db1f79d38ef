import { DangoError, errorMessage } from '../../errors';
import type { WarehouseConnection } from '../../warehouse';
import { quoteIdent, quoteLiteral } from '../../warehouse/sql';
import { withHooks, type MaterializeResult, type NodeHooks } from '../execute/materialize';
import type { SnapshotNode } from './snapshot-node';
import { keysMatch, scdIdSql, snapshotStrategy, type SnapshotStrategy } from './snapshot-strategy';

/** A timestamp literal of `at` in UTC (the run's snapshot time, one value for every statement). */
function stampSql(at: Date): string {
  return `cast(${quoteLiteral(at.toISOString().replace('T', ' ').replace('Z', ''))} as timestamp)`;
}

async function columnsOf(conn: WarehouseConnection, catalog: string | null, schema: string, name: string): Promise<{ name: string; type: string }[]> {
  return conn.all<{ name: string; type: string }>(
    `SELECT column_name AS name, data_type AS type FROM information_schema.columns
      WHERE table_schema = $1 AND table_name = $2 AND table_catalog = ${catalog === null ? 'current_database()' : '$3'} ORDER BY ordinal_position`,
    catalog === null ? [schema, name] : [schema, name, catalog],
  );
}

/** The SQL pieces that depend on the snapshot's meta column names and `dbt_valid_to_current`. */
function metaSql(s: SnapshotStrategy, stamp: string) {
  const m = Object.fromEntries(Object.entries(s.meta).map(([k, v]) => [k, quoteIdent(v)])) as Record<keyof SnapshotStrategy['meta'], string>;
  const openEnd = (vf: string) => (s.validToCurrent ? `coalesce(nullif(${vf}, ${vf}), ${s.validToCurrent})` : `nullif(${vf}, ${vf})`);
  return {
    m,
    /** The meta columns of a new version of source row `alias`, valid from its updated_at (or the snapshot time). */
    columns: (alias: string, validFrom = s.kind === 'timestamp' ? `${alias}.${quoteIdent(s.updatedAt!)}` : stamp) => [
      `${scdIdSql(alias, s.keys, validFrom)} as ${m.dbt_scd_id}`, `${validFrom} as ${m.dbt_updated_at}`, `${validFrom} as ${m.dbt_valid_from}`,
      `${openEnd(validFrom)} as ${m.dbt_valid_to}`, ...(s.hardDeletes === 'new_record' ? [`'False' as ${m.dbt_is_deleted}`] : []),
    ].join(', '),
    /** True for the current version of a key (`a` qualifies the columns). */
    current: (a: string) => (s.validToCurrent ? `(${a}.${m.dbt_valid_to} is null or ${a}.${m.dbt_valid_to} = ${s.validToCurrent})` : `${a}.${m.dbt_valid_to} is null`),
    openEnd,
  };
}

/**
 * Runs a snapshot inside the caller's write transaction, as dbt's snapshot materialisation does:
 * the first run creates the table (every row valid from its `updated_at`, or the snapshot time for
 * `check`); later runs close the current version of each changed row (`dbt_valid_to`), insert the
 * new version, insert new keys, and close (or mark, with `hard_deletes: new_record`) keys that left
 * the source when hard deletes are on. Its hooks run in the same transaction, once its schema exists.
 */
export async function runSnapshot(conn: WarehouseConnection, node: SnapshotNode, sql: string, at: Date, targetDatabase: string, hooks?: NodeHooks): Promise<MaterializeResult> {
  const s = snapshotStrategy(node);
  const stamp = stampSql(at);
  // A snapshot with its own target_database lives in another attached catalog.
  const catalog = node.database === targetDatabase ? null : node.database;
  try {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${catalog ? `${quoteIdent(catalog)}.` : ''}${quoteIdent(node.schema)}`);
  } catch (err) {
    throw new DangoError('RUN_FAILED', `Database error in snapshot ${node.name} (${node.original_file_path}): ${errorMessage(err)}`, { cause: err });
  }
  return withHooks(conn, node, hooks, async () => {
    const existing = await columnsOf(conn, catalog, node.schema, node.alias);
    if (!existing.length) {
      const [row] = await conn.all<{ Count?: number | string }>(`CREATE TABLE ${node.relation} AS\nselect dango_src.*, ${metaSql(s, stamp).columns('dango_src')}\nfrom (\n${sql}\n) dango_src`);
      return { rows_affected: Number(row?.Count ?? 0), message: `SELECT ${Number(row?.Count ?? 0)}` };
    }
    return update(conn, node, s, sql, stamp, existing);
  });
}

async function update(conn: WarehouseConnection, node: SnapshotNode, s: SnapshotStrategy, sql: string, stamp: string, existing: { name: string; type: string }[]): Promise<MaterializeResult> {
  const tmp = (suffix: string) => `${node.alias}__dbt_snapshot_${suffix}`;
  const [src, staged, gone] = ['src', 'staged', 'deleted'].map((x) => `temp.main.${quoteIdent(tmp(x))}`) as [string, string, string];
  const drop = `DROP TABLE IF EXISTS ${src}; DROP TABLE IF EXISTS ${staged}; DROP TABLE IF EXISTS ${gone}`;
  const rel = node.relation;
  const { m, columns, current, openEnd } = metaSql(s, stamp);
  const metaNames = new Set(Object.values(s.meta));
  await conn.run(drop);
  try {
    await conn.run(`CREATE TEMP TABLE ${quoteIdent(tmp('src'))} AS\n${sql}`);
    const incoming = (await columnsOf(conn, 'temp', 'main', tmp('src'))).filter((c) => !metaNames.has(c.name));
    // New source columns are added to the snapshot (old versions hold null there), as dbt does.
    const have = new Set(existing.map((c) => c.name));
    for (const c of incoming.filter((c) => !have.has(c.name))) await conn.run(`ALTER TABLE ${rel} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
    if (s.hardDeletes === 'new_record' && !have.has(s.meta.dbt_is_deleted)) await conn.run(`ALTER TABLE ${rel} ADD COLUMN ${m.dbt_is_deleted} varchar`);
    const marks = have.has(s.meta.dbt_is_deleted) || s.hardDeletes === 'new_record';
    const isDeleted = (a: string) => (marks ? `coalesce(${a}.${m.dbt_is_deleted}, 'False') = 'True'` : 'false');
    const checkCols = s.checkCols === 'all' ? incoming.map((c) => c.name) : s.checkCols;
    const changed = s.kind === 'timestamp'
      ? `t.${m.dbt_valid_from} < s.${quoteIdent(s.updatedAt!)}`
      : checkCols.map((c) => `s.${quoteIdent(c)} is distinct from t.${quoteIdent(c)}`).join(' or ');
    // A key that comes back after a deletion mark starts a new version at the snapshot time.
    const revived = s.kind === 'timestamp' ? `case when ${isDeleted('t')} then ${stamp} else s.${quoteIdent(s.updatedAt!)} end` : stamp;
    await conn.run(`CREATE TEMP TABLE ${quoteIdent(tmp('staged'))} AS
      select null::varchar as dango_close_scd, s.*, ${columns('s')}
      from ${src} s where not exists (select 1 from ${rel} t where ${current('t')} and ${keysMatch('t', 's', s.keys)})
      union all
      select t.${m.dbt_scd_id}, s.*, ${columns('s', revived)}
      from ${src} s join ${rel} t on ${keysMatch('t', 's', s.keys)} and ${current('t')}
      where (${changed}) or ${isDeleted('t')}`);
    let deletes = 0;
    if (s.hardDeletes !== 'ignore') {
      await conn.run(`CREATE TEMP TABLE ${quoteIdent(tmp('deleted'))} AS
        select t.* from ${rel} t where ${current('t')} and not ${isDeleted('t')}
        and not exists (select 1 from ${src} s where ${keysMatch('t', 's', s.keys)})`);
      const [row] = await conn.all<{ n: number | bigint }>(`select count(*) as n from ${gone}`);
      deletes = Number(row?.n ?? 0);
      await conn.run(`UPDATE ${rel} SET ${m.dbt_valid_to} = ${stamp} WHERE ${current(rel)} AND ${m.dbt_scd_id} IN (select ${m.dbt_scd_id} from ${gone})`);
    }
    await conn.run(`UPDATE ${rel} SET ${m.dbt_valid_to} = x.${m.dbt_valid_from} FROM ${staged} x WHERE ${current(rel)} AND ${rel}.${m.dbt_scd_id} = x.dango_close_scd`);
    const meta = [m.dbt_scd_id, m.dbt_updated_at, m.dbt_valid_from, m.dbt_valid_to, ...(s.hardDeletes === 'new_record' ? [m.dbt_is_deleted] : [])];
    const cols = [...incoming.map((c) => quoteIdent(c.name)), ...meta].join(', ');
    const [ins] = await conn.all<{ Count?: number | string }>(`INSERT INTO ${rel} (${cols}) SELECT ${cols} FROM ${staged}`);
    if (s.hardDeletes === 'new_record' && deletes) {
      const kept = existing.filter((c) => !metaNames.has(c.name)).map((c) => quoteIdent(c.name));
      await conn.run(`INSERT INTO ${rel} (${[...kept, ...meta].join(', ')})
        SELECT ${kept.map((c) => `t.${c}`).join(', ')}, ${scdIdSql('t', s.keys, stamp)}, ${stamp}, ${stamp}, ${openEnd(stamp)}, 'True' FROM ${gone} t`);
    }
    const rows = Number(ins?.Count ?? 0) + deletes;
    return { rows_affected: rows, message: `MERGE ${rows}` };
  } finally {
    await conn.run(drop);
  }
}
