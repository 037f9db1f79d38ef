import type { RowColumn } from '../../rows';
import { NESTING_SEPARATOR } from '../nested-columns';

/**
 * Turns JSON records into rows while learning the table's columns from them: nested objects become
 * `parent__child` columns up to `maxNesting` levels (dlt's convention), lists and deeper objects one
 * JSON column; a column appears when a record first has a non-null value for it, and its type widens
 * as values arrive (BIGINT -> DOUBLE, anything mixed -> VARCHAR, which keeps every value's text).
 */
export interface RecordColumns {
  /** The columns so far, in order of appearance; it grows and widens while rows are made. */
  readonly columns: RowColumn[];
  /** One row per record, values in column order (a row may be shorter than `columns` later becomes). */
  toRows(records: readonly unknown[], extra?: Record<string, unknown>): unknown[][];
}

interface Node {
  name: string;
  children: Map<string, Node>;
  column?: RowColumn & { index: number };
}

function valueType(v: unknown): string {
  switch (typeof v) {
    case 'number':
      return Number.isSafeInteger(v) ? 'BIGINT' : 'DOUBLE';
    case 'boolean':
      return 'BOOLEAN';
    case 'string':
      return 'VARCHAR';
    default:
      return 'JSON';
  }
}

function widen(a: string, b: string): string {
  if (a === b) return a;
  if ((a === 'BIGINT' && b === 'DOUBLE') || (a === 'DOUBLE' && b === 'BIGINT')) return 'DOUBLE';
  return 'VARCHAR';
}

/** A column learner for one table; see `RecordColumns`. */
export function createRecordColumns(maxNesting: number): RecordColumns {
  const columns: Array<RowColumn & { index: number }> = [];
  // DuckDB names are case-insensitive: `Id` and `id` share one column.
  const byLowerName = new Map<string, RowColumn & { index: number }>();
  const root: Node = { name: '', children: new Map() };

  const columnOf = (node: Node, type: string): RowColumn & { index: number } => {
    let col = node.column ?? byLowerName.get(node.name.toLowerCase());
    if (!col) {
      col = { name: node.name, type, index: columns.length };
      columns.push(col);
      byLowerName.set(node.name.toLowerCase(), col);
    }
    node.column = col;
    return col;
  };

  const place = (obj: Record<string, unknown>, node: Node, row: unknown[], depth: number): void => {
    for (const key in obj) {
      const v = obj[key];
      if (v === null || v === undefined) continue;
      let child = node.children.get(key);
      if (!child) {
        child = { name: depth === 0 ? key : `${node.name}${NESTING_SEPARATOR}${key}`, children: new Map() };
        node.children.set(key, child);
      }
      if (typeof v === 'object' && !Array.isArray(v) && depth < maxNesting) {
        place(v as Record<string, unknown>, child, row, depth + 1);
        continue;
      }
      const type = valueType(v);
      const col = child.column ?? columnOf(child, type);
      if (col.type !== type) col.type = widen(col.type, type);
      row[col.index] = v;
    }
  };

  return {
    columns,
    toRows(records, extra) {
      const out: unknown[][] = new Array(records.length);
      for (let i = 0; i < records.length; i++) {
        const record = records[i];
        const row: unknown[] = [];
        if (record !== null && typeof record === 'object' && !Array.isArray(record)) place(record as Record<string, unknown>, root, row, 0);
        else if (record !== null && record !== undefined) place({ value: record }, root, row, 0);
        if (extra) place(extra, root, row, 0);
        out[i] = row;
      }
      return out;
    },
  };
}
