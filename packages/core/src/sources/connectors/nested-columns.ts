import { quoteIdent, quoteLiteral } from '../../warehouse';

/** A column as DuckDB's reader types it (structs as `STRUCT(...)` type strings). */
export interface RawColumn {
  name: string;
  type: string;
}

/** A flattened column: its name (`parent__child`), its type and the SQL that reads it from the reader's row. */
export interface FlatColumn {
  name: string;
  type: string;
  expr: string;
}

/** The separator of flattened names, dlt's convention, so models written for dlt-loaded data work. */
export const NESTING_SEPARATOR = '__';

/** Splits `s` at top-level commas, ignoring commas inside parentheses and quotes. */
function splitTopLevel(s: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let start = 0;
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (quote) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(') depth++;
    else if (ch === ')') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(s.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(s.slice(start).trim());
  return parts.filter(Boolean);
}

/** The fields of a `STRUCT(a INT, "b c" VARCHAR)` type string; null for any other type. */
export function structFields(type: string): RawColumn[] | null {
  const m = /^STRUCT\((.*)\)$/s.exec(type.trim());
  if (!m) return null;
  return splitTopLevel(m[1]!).map((field) => {
    if (field.startsWith('"')) {
      let i = 1;
      let name = '';
      while (i < field.length) {
        if (field[i] === '"' && field[i + 1] === '"') {
          name += '"';
          i += 2;
        } else if (field[i] === '"') break;
        else name += field[i++];
      }
      return { name, type: field.slice(i + 1).trim() };
    }
    const space = field.indexOf(' ');
    return { name: field.slice(0, space), type: field.slice(space + 1).trim() };
  });
}

/** Lists, maps and unions have no column form: they are kept as JSON text. */
function keptAsJson(type: string): boolean {
  return /\[\d*\]$/.test(type) || /^(MAP|UNION)\(/.test(type);
}

/**
 * Flattens nested objects into `parent__child` columns up to `maxNesting` levels; an object deeper
 * than that, a list, a map or a union becomes one JSON column, so no value is lost.
 */
export function flattenColumns(columns: RawColumn[], maxNesting: number): FlatColumn[] {
  const out: FlatColumn[] = [];
  const visit = (col: RawColumn, name: string, expr: string, level: number): void => {
    const fields = structFields(col.type);
    if (fields && fields.length > 0 && level < maxNesting) {
      for (const f of fields) visit(f, `${name}${NESTING_SEPARATOR}${f.name}`, `struct_extract(${expr}, ${quoteLiteral(f.name)})`, level + 1);
    } else if (fields || keptAsJson(col.type)) {
      out.push({ name, type: 'JSON', expr: `to_json(${expr})` });
    } else {
      out.push({ name, type: col.type, expr });
    }
  };
  for (const col of columns) visit(col, col.name, quoteIdent(col.name), 0);
  return out;
}
