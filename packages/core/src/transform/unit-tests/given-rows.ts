import { quoteIdent, quoteLiteral } from '../../warehouse/sql';
import type { RowsSpec } from './unit-test-props';

/** A column name with its warehouse type. */
export interface TypedColumn {
  name: string;
  type: string;
}

/** Parses CSV text (a header line, then rows; quotes as RFC 4180). An empty unquoted field is NULL. */
export function parseCsv(text: string): Record<string, string | null>[] {
  const records: (string | null)[][] = [];
  let row: (string | null)[] = [];
  let field = '';
  let quoted = false;
  let wasQuoted = false;
  const endField = () => {
    row.push(field === '' && !wasQuoted ? null : field);
    field = '';
    wasQuoted = false;
  };
  const src = text.replace(/\r\n?/g, '\n').trim();
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (quoted) {
      if (ch === '"' && src[i + 1] === '"') (field += '"', i++);
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') (quoted = true, wasQuoted = true);
    else if (ch === ',') endField();
    else if (ch === '\n') (endField(), records.push(row), (row = []));
    else field += ch;
  }
  endField();
  records.push(row);
  const [header, ...rest] = records;
  const names = (header ?? []).map((h) => String(h ?? '').trim());
  return rest.filter((r) => !(r.length === 1 && r[0] === null)).map((r) => Object.fromEntries(names.map((n, i) => [n, r[i] ?? null])));
}

/** A JS value from YAML or CSV as a SQL literal. */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof Date) return quoteLiteral(v.toISOString());
  if (typeof v === 'object') return quoteLiteral(JSON.stringify(v));
  return quoteLiteral(String(v));
}

/** The rows of a dict or csv spec as objects (null for the sql format). */
export function specRows(spec: RowsSpec): Record<string, unknown>[] | null {
  if (spec.format === 'sql') return null;
  if (spec.format === 'csv') return parseCsv(String(spec.rows ?? ''));
  return ((spec.rows as unknown[] | null) ?? []).map((r) => (r && typeof r === 'object' ? (r as Record<string, unknown>) : {}));
}

/** The column names the rows mention, in order of first appearance. */
export function rowKeys(rows: Record<string, unknown>[]): string[] {
  const keys: string[] = [];
  for (const r of rows) for (const k of Object.keys(r)) if (!keys.includes(k)) keys.push(k);
  return keys;
}

/**
 * A select of `rows`: with `columns` (the input's real columns), every one of them, cast to its
 * type, NULL where the rows do not give it; without, the given columns as written. `what` names
 * the rows in errors.
 */
export function rowsSelect(rows: Record<string, unknown>[], columns: TypedColumn[] | null, what: string): string {
  const keys = rowKeys(rows);
  const typed = new Map((columns ?? []).map((c) => [c.name, c.type]));
  const list: string[] = [];
  for (const c of columns ?? []) list.push(keys.includes(c.name) ? `dango_rows.${quoteIdent(c.name)}` : `cast(null as ${c.type}) as ${quoteIdent(c.name)}`);
  for (const k of keys) if (!typed.has(k)) list.push(`dango_rows.${quoteIdent(k)}`);
  if (!rows.length) {
    if (!columns?.length) throw new Error(`${what} has no rows and no known columns (build the relation first, or give a row)`);
    return `select ${columns.map((c) => `cast(null as ${c.type}) as ${quoteIdent(c.name)}`).join(', ')} where false`;
  }
  if (!keys.length) throw new Error(`${what}: its rows give no columns`);
  // Each value is cast on its own, so rows may write one column differently ('7' and 8).
  const value = (r: Record<string, unknown>, k: string) => (typed.has(k) ? `cast(${literal(r[k])} as ${typed.get(k)})` : literal(r[k]));
  const values = rows.map((r) => `(${keys.map((k) => value(r, k)).join(', ')})`).join(',\n  ');
  return `select ${list.join(', ')}\nfrom (values\n  ${values}\n) as dango_rows(${keys.map(quoteIdent).join(', ')})`;
}
