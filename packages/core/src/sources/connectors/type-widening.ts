/**
 * The widening rule for column types that differ between files (or between a file and the table):
 * integers widen to larger integers, then DOUBLE; DATE widens to TIMESTAMP, then TIMESTAMPTZ; any two
 * scalar types that meet nowhere else widen to VARCHAR, which holds every value's text. Types outside
 * this lattice (lists, structs, enums a user created) do not widen: the sync fails instead.
 */
const NUMERIC = ['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'DOUBLE'];
const TEMPORAL = ['DATE', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE'];
const OTHER_SCALARS = new Set(['BOOLEAN', 'TIME', 'VARCHAR', 'UUID', 'INTERVAL', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'FLOAT', 'BLOB']);

function normalise(type: string): string {
  const t = type.trim().toUpperCase();
  if (t === 'TIMESTAMPTZ') return 'TIMESTAMP WITH TIME ZONE';
  if (t === 'FLOAT' || t === 'REAL' || t.startsWith('DECIMAL')) return 'DOUBLE';
  if (t === 'INT' || t === 'INT4') return 'INTEGER';
  if (t === 'INT8' || t === 'LONG') return 'BIGINT';
  if (t === 'TEXT' || t === 'STRING') return 'VARCHAR';
  if (t.startsWith('TIMESTAMP_') || t === 'DATETIME') return 'TIMESTAMP';
  return t;
}

function isScalar(t: string): boolean {
  return NUMERIC.includes(t) || TEMPORAL.includes(t) || OTHER_SCALARS.has(t);
}

/**
 * The narrowest type holding values of both `a` and `b` (null = unknown, e.g. a header-only file's
 * column), or undefined when they cannot be reconciled.
 */
export function widenType(a: string | null, b: string | null): string | null | undefined {
  if (a === null) return b;
  if (b === null) return a;
  const x = normalise(a);
  const y = normalise(b);
  if (x === y) return a;
  for (const chain of [NUMERIC, TEMPORAL]) {
    const i = chain.indexOf(x);
    const j = chain.indexOf(y);
    if (i >= 0 && j >= 0) return chain[Math.max(i, j)];
  }
  if (isScalar(x) && isScalar(y)) return 'VARCHAR';
  return undefined;
}

/** True when `type` is the same type as `other` (spelling differences aside). */
export function sameType(type: string, other: string): boolean {
  return normalise(type) === normalise(other);
}
