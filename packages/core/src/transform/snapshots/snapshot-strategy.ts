import { DangoError } from '../../errors';
import { quoteIdent } from '../../warehouse/sql';
import type { SnapshotNode } from './snapshot-node';

/** A snapshot's validated settings. */
export interface SnapshotStrategy {
  kind: 'timestamp' | 'check';
  keys: string[];
  /** The `updated_at` column (timestamp strategy). */
  updatedAt: string | null;
  /** The `check_cols` columns, or 'all'. */
  checkCols: string[] | 'all';
  /** What happens to rows whose key left the source: dbt 1.9's `hard_deletes` (`invalidate_hard_deletes: true` is `invalidate`). */
  hardDeletes: 'ignore' | 'invalidate' | 'new_record';
  /** The meta columns' names (dbt 1.9 `snapshot_meta_column_names`), by their default name. */
  meta: Record<MetaColumn, string>;
  /** SQL for `dbt_valid_to` of current rows (dbt 1.9 `dbt_valid_to_current`); null means NULL. */
  validToCurrent: string | null;
}

/** The meta columns a snapshot adds, by dbt's default names. */
export const META_COLUMNS = ['dbt_scd_id', 'dbt_updated_at', 'dbt_valid_from', 'dbt_valid_to', 'dbt_is_deleted'] as const;
/** One of the meta columns. */
export type MetaColumn = (typeof META_COLUMNS)[number];

const IDENT = /^[A-Za-z_][A-Za-z0-9_$]*$/;

function columnList(value: unknown, what: string, node: SnapshotNode): string[] {
  const list = (Array.isArray(value) ? value : [value]).map(String).map((s) => s.trim());
  const bad = list.find((c) => !IDENT.test(c));
  if (bad !== undefined) {
    throw new DangoError('CONFIG_INVALID', `Snapshot ${node.name} (${node.original_file_path}): ${what} must name columns, got '${bad}'`);
  }
  return list;
}

/** Reads and checks a snapshot's `strategy`, `unique_key`, `updated_at`, `check_cols` and hard-delete configs. */
export function snapshotStrategy(node: SnapshotNode): SnapshotStrategy {
  const c = node.config;
  const where = `Snapshot ${node.name} (${node.original_file_path})`;
  const kind = c.strategy;
  if (kind !== 'timestamp' && kind !== 'check') {
    throw new DangoError('CONFIG_INVALID', `${where} needs the config strategy: 'timestamp' or 'check'${kind ? ` (got '${String(kind)}')` : ''}`);
  }
  if (c.unique_key === null || c.unique_key === undefined || c.unique_key === '') throw new DangoError('CONFIG_INVALID', `${where} needs the config unique_key`);
  const keys = columnList(c.unique_key, 'unique_key', node);
  let updatedAt: string | null = null;
  let checkCols: string[] | 'all' = [];
  if (kind === 'timestamp') {
    if (typeof c.updated_at !== 'string' || !c.updated_at) throw new DangoError('CONFIG_INVALID', `${where}: the timestamp strategy needs the config updated_at`);
    updatedAt = columnList(c.updated_at, 'updated_at', node)[0]!;
  } else {
    if (c.check_cols === 'all') checkCols = 'all';
    else if (Array.isArray(c.check_cols) && c.check_cols.length) checkCols = columnList(c.check_cols, 'check_cols', node);
    else throw new DangoError('CONFIG_INVALID', `${where}: the check strategy needs the config check_cols (a list of columns, or 'all')`);
  }
  const hd = c.hard_deletes ?? (c.invalidate_hard_deletes === true ? 'invalidate' : 'ignore');
  if (hd !== 'ignore' && hd !== 'invalidate' && hd !== 'new_record') {
    throw new DangoError('CONFIG_INVALID', `${where}: hard_deletes must be ignore, invalidate or new_record, got '${String(hd)}'`);
  }
  const names = c.snapshot_meta_column_names && typeof c.snapshot_meta_column_names === 'object' ? (c.snapshot_meta_column_names as Record<string, unknown>) : {};
  const unknown = Object.keys(names).filter((k) => !(META_COLUMNS as readonly string[]).includes(k));
  if (unknown.length) throw new DangoError('CONFIG_INVALID', `${where}: snapshot_meta_column_names knows ${META_COLUMNS.join(', ')}, not ${unknown.join(', ')}`);
  const meta = Object.fromEntries(META_COLUMNS.map((k) => [k, names[k] === undefined || names[k] === null ? k : columnList(names[k], `snapshot_meta_column_names.${k}`, node)[0]!])) as Record<MetaColumn, string>;
  const current = c.dbt_valid_to_current;
  const validToCurrent = typeof current === 'string' && current.trim() ? current.trim() : null;
  return { kind, keys, updatedAt, checkCols, hardDeletes: hd, meta, validToCurrent };
}

/** `md5` of the key columns and `stamp`, joined with `|` (the row version's `dbt_scd_id`). */
export function scdIdSql(alias: string, keys: string[], stamp: string): string {
  const parts = [...keys.map((k) => `${alias}.${quoteIdent(k)}`), stamp].map((e) => `coalesce(cast(${e} as varchar), '')`);
  return `md5(${parts.join(` || '|' || `)})`;
}

/** `a.k1 = b.k1 and ...` over the key columns. */
export function keysMatch(a: string, b: string, keys: string[]): string {
  return keys.map((k) => `${a}.${quoteIdent(k)} = ${b}.${quoteIdent(k)}`).join(' and ');
}
