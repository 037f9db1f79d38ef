import { DangoError, errorMessage } from '../../errors';
import type { WarehouseConnection } from '../../warehouse';
import { quoteIdent, quoteLiteral } from '../../warehouse/sql';
import type { MaterializeResult } from '../execute/materialize';
import type { SnapshotNode } from './snapshot-node';
import { keysMatch, scdIdSql, snapshotStrategy, type SnapshotStrategy } from './snapshot-strategy';

const META = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'];

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

/** The meta columns of a new row version whose source row is `alias` (valid from its updated_at, or the snapshot time). */
function metaColumns(s: SnapshotStrategy, alias: string, stamp: string, validFrom = s.kind === 'timestamp' ? `${alias}.${quoteIdent(s.updatedAt!)}` : stamp): string {
  return [
    `${scdIdSql(alias, s.keys, validFrom)} as dbt_scd_id`, `${validFrom} as dbt_updated_at`, `${validFrom} as dbt_valid_from`, `nullif(${validFrom}, ${validFrom}) as dbt_valid_to`,
    ...(s.hardDeletes === 'new_record' ? [`'False' as dbt_is_deleted`] : []),
  ].join(', ');
}

/**
 * Runs a snapshot inside the caller's write transaction, as dbt's snapshot materialisation does:
 * the first run creates the table (every row valid from its `updated_at`, or the snapshot time for
 * `check`); later runs close the current version of each changed row (`dbt_valid_to`), insert the
 * new version, insert new keys, and close (or mark, with `hard_deletes: new_record`) keys that left
 * the source when hard deletes are on.
 */
export async function runSnapshot(conn: WarehouseConnection, node: SnapshotNode, sql: string, at: Date, targetDatabase: string): Promise<MaterializeResult> {
  const s = snapshotStrategy(node);
  const stamp = stampSql(at);
  // A snapshot with its own target_database lives in another attached catalog.
  const catalog = node.database === targetDatabase ? null : node.database;
  try {
    await conn.run(`CREATE SCHEMA IF NOT EXISTS ${catalog ? `${quoteIdent(catalog)}.` : ''}${quoteIdent(node.schema)}`);
    const existing = await columnsOf(conn, catalog, node.schema, node.alias);
    if (!existing.length) {
      const [row] = await conn.all<{ Count?: number | string }>(`CREATE TABLE ${node.relation} AS\nselect dango_src.*, ${metaColumns(s, 'dango_src', stamp)}\nfrom (\n${sql}\n) dango_src`);
      return { rows_affected: Number(row?.Count ?? 0), message: `SELECT ${Number(row?.Count ?? 0)}` };
    }
    return await update(conn, node, s, sql, stamp, existing);
  } catch (err) {
    if (err instanceof DangoError) throw err;
    throw new DangoError('RUN_FAILED', `Database error in snapshot ${node.name} (${node.original_file_path}): ${errorMessage(err)}`, { cause: err });
  }
}

async function update(conn: WarehouseConnection, node: SnapshotNode, s: SnapshotStrategy, sql: string, stamp: string, existing: { name: string; type: string }[]): Promise<MaterializeResult> {
  const src = `temp.main.${quoteIdent(`${node.alias}__dbt_snapshot_src`)}`;
  const staged = `temp.main.${quoteIdent(`${node.alias}__dbt_snapshot_staged`)}`;
  const gone = `temp.main.${quoteIdent(`${node.alias}__dbt_snapshot_deleted`)}`;
  const rel = node.relation;
  await conn.run(`DROP TABLE IF EXISTS ${src}; DROP TABLE IF EXISTS ${staged}; DROP TABLE IF EXISTS ${gone}`);
  try {
    await conn.run(`CREATE TEMP TABLE ${src.slice('temp.main.'.length)} AS\n${sql}`);
    const incoming = (await columnsOf(conn, 'temp', 'main', `${node.alias}__dbt_snapshot_src`)).filter((c) => !META.includes(c.name));
    // New source columns are added to the snapshot (old versions hold null there), as dbt does.
    const have = new Set(existing.map((c) => c.name));
    for (const c of incoming.filter((c) => !have.has(c.name))) await conn.run(`ALTER TABLE ${rel} ADD COLUMN ${quoteIdent(c.name)} ${c.type}`);
    if (s.hardDeletes === 'new_record' && !have.has('dbt_is_deleted')) await conn.run(`ALTER TABLE ${rel} ADD COLUMN dbt_is_deleted varchar`);
    const deletedMark = have.has('dbt_is_deleted') || s.hardDeletes === 'new_record';
    const isDeleted = (a: string) => (deletedMark ? `coalesce(${a}.dbt_is_deleted, 'False') = 'True'` : 'false');
    const checkCols = s.checkCols === 'all' ? incoming.map((c) => c.name) : s.checkCols;
    const changed = s.kind === 'timestamp'
      ? `t.dbt_valid_from < s.${quoteIdent(s.updatedAt!)}`
      : checkCols.map((c) => `s.${quoteIdent(c)} is distinct from t.${quoteIdent(c)}`).join(' or ');
    const current = `t.dbt_valid_to is null`;
    const srcCols = incoming.map((c) => quoteIdent(c.name));
    const metaNames = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', ...(s.hardDeletes === 'new_record' ? ['dbt_is_deleted'] : [])];
    // A key that comes back after a deletion mark starts a new version at the snapshot time.
    const validFrom = s.kind === 'timestamp' ? `case when ${isDeleted('t')} then ${stamp} else s.${quoteIdent(s.updatedAt!)} end` : stamp;
    await conn.run(`CREATE TEMP TABLE ${staged.slice('temp.main.'.length)} AS
      select null::varchar as dango_close_scd, s.*, ${metaColumns(s, 's', stamp)}
      from ${src} s where not exists (select 1 from ${rel} t where ${current} and ${keysMatch('t', 's', s.keys)})
      union all
      select t.dbt_scd_id, s.*, ${metaColumns(s, 's', stamp, validFrom)}
      from ${src} s join ${rel} t on ${keysMatch('t', 's', s.keys)} and ${current}
      where (${changed}) or ${isDeleted('t')}`);
    let deletes = 0;
    if (s.hardDeletes !== 'ignore') {
      await conn.run(`CREATE TEMP TABLE ${gone.slice('temp.main.'.length)} AS
        select t.* from ${rel} t where ${current} and not ${isDeleted('t')}
        and not exists (select 1 from ${src} s where ${keysMatch('t', 's', s.keys)})`);
      const [row] = await conn.all<{ n: number | bigint }>(`select count(*) as n from ${gone}`);
      deletes = Number(row?.n ?? 0);
      await conn.run(`UPDATE ${rel} SET dbt_valid_to = ${stamp} WHERE dbt_valid_to IS NULL AND dbt_scd_id IN (select dbt_scd_id from ${gone})`);
    }
    await conn.run(`UPDATE ${rel} SET dbt_valid_to = x.dbt_valid_from FROM ${staged} x WHERE ${rel}.dbt_valid_to IS NULL AND ${rel}.dbt_scd_id = x.dango_close_scd`);
    const cols = [...srcCols, ...metaNames].join(', ');
    const [ins] = await conn.all<{ Count?: number | string }>(`INSERT INTO ${rel} (${cols}) SELECT ${cols} FROM ${staged}`);
    if (s.hardDeletes === 'new_record' && deletes) {
      const kept = existing.filter((c) => !META.includes(c.name)).map((c) => quoteIdent(c.name));
      await conn.run(`INSERT INTO ${rel} (${[...kept, ...metaNames].join(', ')})
        SELECT ${kept.map((c) => `t.${c}`).join(', ')}, ${scdIdSql('t', s.keys, stamp)}, ${stamp}, ${stamp}, null, 'True' FROM ${gone} t`);
    }
    const rows = Number(ins?.Count ?? 0) + deletes;
    return { rows_affected: rows, message: `MERGE ${rows}` };
  } finally {
    await conn.run(`DROP TABLE IF EXISTS ${src}; DROP TABLE IF EXISTS ${staged}; DROP TABLE IF EXISTS ${gone}`);
  }
}
