import { DangoError } from '../errors';

const IDENT_RE = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** Quotes an identifier for DuckDB; any character is allowed because it is escaped. */
export function quoteIdent(name: string): string {
  if (name.length === 0 || name.length > 255 || name.includes('\0')) {
    throw new DangoError('BAD_REQUEST', `Invalid identifier: '${name}'`);
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quotes `schema.table`. */
export function qualified(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** True for a plain identifier that needs no quoting. */
export function isPlainIdent(name: string): boolean {
  return IDENT_RE.test(name);
}

/** A SQL string literal; for the few places DuckDB takes no bound parameter (e.g. table function arguments in DDL). */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new DangoError('BAD_REQUEST', 'Invalid string value (NUL byte)');
  return `'${value.replaceAll("'", "''")}'`;
}

/**
 * A file path as DuckDB's readers must receive it: they expand `*`, `?` and `[...]` as a glob, so
 * `q[1].csv` would read `q1.csv`. Each such character becomes a one-character class (`[[]`) that
 * matches only itself.
 */
export function globSafePath(abs: string): string {
  return abs.replace(/[*?[]/g, (c) => `[${c}]`);
}
