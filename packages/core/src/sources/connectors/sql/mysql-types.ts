import type { RowColumn } from '../../rows';

/** A column as MySQL's / MariaDB's information_schema describes it. */
export interface MysqlCatalogColumn {
  name: string;
  /** DATA_TYPE, e.g. `bigint`. */
  dataType: string;
  /** COLUMN_TYPE, e.g. `bigint(20) unsigned`, `tinyint(1)`, `set('a','b')`. */
  columnType: string;
  /** True when a CHECK constraint says `json_valid(column)` (MariaDB's JSON is LONGTEXT with that check). */
  json: boolean;
}

/** How one MySQL column is read (the expression in the SELECT) and stored. */
export interface MysqlColumnMapping {
  column: RowColumn;
  select: string;
}

const INTEGERS: Record<string, [string, string]> = {
  tinyint: ['TINYINT', 'UTINYINT'],
  smallint: ['SMALLINT', 'USMALLINT'],
  mediumint: ['INTEGER', 'UINTEGER'],
  int: ['INTEGER', 'UINTEGER'],
  integer: ['INTEGER', 'UINTEGER'],
  bigint: ['BIGINT', 'UBIGINT'],
};
const BINARY = new Set(['binary', 'varbinary', 'tinyblob', 'blob', 'mediumblob', 'longblob', 'bit', 'geometry', 'point', 'linestring', 'polygon', 'multipoint', 'multilinestring', 'multipolygon', 'geometrycollection']);

/** A zero date (`0000-00-00`) is MySQL's "no date": it becomes NULL, as every client library maps it. */
const zeroDateToNull = (v: string) => `CASE WHEN ${v} LIKE '0000-00-00%' THEN NULL ELSE ${v} END`;

/**
 * Maps one column (the table in the README). Every value travels as MySQL's own exact text:
 * `tinyint(1)` becomes BOOLEAN, unsigned integers unsigned DuckDB integers, DECIMAL exact, DATETIME a
 * TIMESTAMP, TIMESTAMP a UTC TIMESTAMPTZ (the session runs in UTC), TIME an INTERVAL (it spans
 * ±838 hours), SET a list, bytes hex-encoded.
 */
export function mapMysqlColumn(c: MysqlCatalogColumn, ref: string): MysqlColumnMapping {
  const name = c.name;
  const type = c.dataType.toLowerCase();
  const columnType = c.columnType.toLowerCase();
  const plain = (duck: string): MysqlColumnMapping => ({ column: { name, type: duck }, select: ref });
  const via = (duck: string, sql: (v: string) => string, select = ref): MysqlColumnMapping => ({ column: { name, type: duck, staged: { type: 'VARCHAR', sql } }, select });
  if (type === 'tinyint' && /^tinyint\(1\)/.test(columnType)) return via('BOOLEAN', (v) => `${v}::TINYINT <> 0`);
  const integer = INTEGERS[type];
  if (integer) return plain(integer[columnType.includes('unsigned') ? 1 : 0]);
  if (type === 'decimal' || type === 'numeric') {
    const m = /\((\d+)(?:,(\d+))?\)/.exec(columnType);
    const p = Number(m?.[1] ?? 10);
    return p <= 38 ? plain(`DECIMAL(${p},${m?.[2] ?? 0})`) : plain('VARCHAR');
  }
  if (type === 'float') return plain('FLOAT');
  if (type === 'uuid') return plain('UUID');
  if (type === 'double' || type === 'real') return plain('DOUBLE');
  if (type === 'year') return plain('SMALLINT');
  if (type === 'date') return via('DATE', (v) => `${zeroDateToNull(v)}::DATE`);
  if (type === 'datetime') return via('TIMESTAMP', (v) => `${zeroDateToNull(v)}::TIMESTAMP`);
  if (type === 'timestamp') return via('TIMESTAMP WITH TIME ZONE', (v) => `(${zeroDateToNull(v)} || '+00')::TIMESTAMPTZ`);
  if (type === 'time') return via('INTERVAL', (v) => `${v}::INTERVAL`);
  if (type === 'json' || c.json) return via('JSON', (v) => `${v}::JSON`);
  if (type === 'set') return via('VARCHAR[]', (v) => `CASE WHEN ${v} = '' THEN []::VARCHAR[] ELSE string_split(${v}, ',') END`);
  if (BINARY.has(type)) return via('BLOB', (v) => `from_hex(${v})`, `HEX(${ref})`);
  return plain('VARCHAR');
}
