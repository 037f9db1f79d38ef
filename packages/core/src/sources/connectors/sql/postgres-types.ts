import type { RowColumn } from '../../rows';

/** A column as PostgreSQL's catalog describes it. */
export interface PgCatalogColumn {
  name: string;
  /** `format_type()` of the column's type (of the base type for a domain), e.g. `numeric(12,2)`, `integer[]`. */
  type: string;
  /** `typtype` of that type: `e` for an enum. */
  kind: string;
  /** `typtype` of an array's element type. */
  elemKind: string | null;
}

/** How one PostgreSQL column is read (the expression in the COPY's SELECT) and stored. */
export interface PgColumnMapping {
  column: RowColumn;
  select: string;
}

const SCALARS: Array<[RegExp, string]> = [
  [/^smallint$/, 'SMALLINT'],
  [/^integer$/, 'INTEGER'],
  [/^bigint$/, 'BIGINT'],
  [/^real$/, 'FLOAT'],
  [/^double precision$/, 'DOUBLE'],
  [/^boolean$/, 'BOOLEAN'],
  [/^(text|character varying(\(\d+\))?|character(\(\d+\))?|name|citext|"char")$/, 'VARCHAR'],
  [/^uuid$/, 'UUID'],
  [/^date$/, 'DATE'],
  [/^timestamp(\(\d\))? without time zone$/, 'TIMESTAMP'],
  [/^timestamp(\(\d\))? with time zone$/, 'TIMESTAMP WITH TIME ZONE'],
  [/^time(\(\d\))? without time zone$/, 'TIME'],
  [/^time(\(\d\))? with time zone$/, 'TIME WITH TIME ZONE'],
];

/** Element types whose JSON form DuckDB casts to a list exactly. */
const LIST_ELEMENTS = new Set(['SMALLINT', 'INTEGER', 'BIGINT', 'BOOLEAN', 'VARCHAR', 'UUID', 'DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE']);

/** The DuckDB type of a scalar PostgreSQL type; null for types kept as their exact text. */
function scalarType(type: string, kind: string | null): string | null {
  if (kind === 'e') return 'VARCHAR';
  if (type === 'json' || type === 'jsonb') return 'JSON';
  const numeric = /^numeric\((\d+)(?:,(\d+))?\)$/.exec(type);
  // DuckDB's DECIMAL holds 38 digits; wider or unconstrained numerics keep their exact text.
  if (numeric) return Number(numeric[1]) <= 38 ? `DECIMAL(${numeric[1]},${numeric[2] ?? 0})` : null;
  for (const [re, duck] of SCALARS) if (re.test(type)) return duck;
  return null;
}

/**
 * Maps one column (the table in the README): exact decimals, timestamps in UTC (the session's time
 * zone), intervals as months/days/microseconds, bytes as hex, arrays of simple elements as lists and
 * others as JSON; a type without a DuckDB equivalent keeps PostgreSQL's exact text as VARCHAR.
 */
export function mapPgColumn(c: PgCatalogColumn, ref: string): PgColumnMapping {
  const name = c.name;
  if (c.type.endsWith('[]')) {
    const elem = scalarType(c.type.replace(/(\[\])+$/, ''), c.elemKind);
    const list = elem && LIST_ELEMENTS.has(elem) && !/\[\]\[\]$/.test(c.type);
    return {
      column: list ? { name, type: `${elem}[]`, staged: { type: 'VARCHAR', sql: (v) => `${v}::JSON::${elem}[]` } } : { name, type: 'JSON' },
      select: `array_to_json(${ref})`,
    };
  }
  if (c.type === 'bytea') return { column: { name, type: 'BLOB', staged: { type: 'VARCHAR', sql: (v) => `from_hex(${v})` } }, select: `encode(${ref}, 'hex')` };
  if (c.type.startsWith('interval')) {
    const months = `(extract(year from ${ref}) * 12 + extract(month from ${ref}))::bigint`;
    const micros = `(extract(hour from ${ref}) * 3600000000 + extract(minute from ${ref}) * 60000000 + extract(microseconds from ${ref}))::bigint`;
    return {
      column: { name, type: 'INTERVAL', staged: { type: 'VARCHAR', sql: (v) => `${v}::INTERVAL` } },
      select: `CASE WHEN ${ref} IS NOT NULL THEN ${months} || ' months ' || extract(day from ${ref})::bigint || ' days ' || ${micros} || ' microseconds' END`,
    };
  }
  const type = scalarType(c.type, c.kind);
  if (type === 'JSON') return { column: { name, type, staged: { type: 'VARCHAR', sql: (v) => `${v}::JSON` } }, select: ref };
  if (type === null) return { column: { name, type: 'VARCHAR' }, select: `${ref}::text` };
  return { column: { name, type }, select: ref };
}
