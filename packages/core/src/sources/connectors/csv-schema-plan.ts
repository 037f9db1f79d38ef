import type { FileColumn } from '../file-tracking';
import { SourceFileError } from './connector';
import { isReservedColumn, RESERVED_COLUMN_PREFIX } from '../file-lineage';
import { sameType, widenType } from './type-widening';

/** A column of the target table. */
export interface TableColumn {
  name: string;
  type: string;
}

/** A file's columns as input to schema planning. */
export interface FileSchema {
  rel: string;
  columns: FileColumn[];
}

const key = (name: string): string => name.toLowerCase(); // DuckDB identifiers are case-insensitive

/** Fails a file whose header uses a name Dango reserves for lineage. */
export function assertNoReservedColumns(file: FileSchema): void {
  for (const c of file.columns) {
    if (isReservedColumn(c.name)) {
      throw new SourceFileError(file.rel, `${file.rel} has a column named ${c.name}: names starting with ${RESERVED_COLUMN_PREFIX} are reserved for Dango's lineage columns; rename it`);
    }
  }
}

/**
 * The columns of a file that may shape the table: those with a type. A column without one comes from a
 * file without data rows (header only, or one line without a newline such as `hello world`), and a file
 * changes the table's schema only through rows it loads.
 */
function shaping(file: FileSchema): FileColumn[] {
  return file.columns.filter((c) => c.type !== null);
}

/** The union schema of files (first spelling and first position win; types widened). */
export function unionSchema(files: FileSchema[], order: string[] = []): TableColumn[] {
  const merged = new Map<string, { name: string; type: string | null; from: string }>();
  for (const name of order) merged.set(key(name), { name, type: null, from: '' });
  for (const file of files) {
    for (const col of shaping(file)) {
      const seen = merged.get(key(col.name));
      if (!seen) {
        merged.set(key(col.name), { name: col.name, type: col.type, from: file.rel });
        continue;
      }
      const wide = widenType(seen.type, col.type);
      if (wide === undefined) {
        throw new SourceFileError(file.rel, `${file.rel}: column ${col.name} is ${col.type} here but ${seen.type} in ${seen.from}, and the two types cannot be reconciled`);
      }
      if (seen.type === null) seen.from = file.rel;
      seen.type = wide;
    }
  }
  // Columns only kept for their position (from `order`) that no file has any more are dropped.
  return [...merged.values()].filter((c) => c.from !== '').map((c) => ({ name: c.name, type: c.type ?? 'VARCHAR' }));
}

/**
 * How new or changed files fit an existing table: columns to add, columns to drop (no file present has
 * them any more, e.g. the file that brought them was deleted), or `rebuild` when a column must widen.
 */
export interface IncrementalPlan {
  rebuild: boolean;
  add: TableColumn[];
  drop: TableColumn[];
}

/**
 * Compares the changed files to the existing table's columns, and the table to every file present (so
 * its shape follows the files on disk); throws when a type cannot be reconciled.
 */
export function planIncremental(existing: TableColumn[], files: FileSchema[], tableLabel: string, present: FileSchema[] = files): IncrementalPlan {
  const byKey = new Map(existing.map((c) => [key(c.name), c]));
  const added = new Map<string, { name: string; type: string | null; from: string }>();
  let rebuild = false;
  for (const file of files) {
    for (const col of shaping(file)) {
      const ex = byKey.get(key(col.name));
      if (ex) {
        const wide = widenType(ex.type, col.type);
        if (wide === undefined) {
          throw new SourceFileError(file.rel, `${file.rel}: column ${col.name} is ${col.type} in this file but ${ex.type} in ${tableLabel}, and the two types cannot be reconciled`);
        }
        if (wide !== null && !sameType(wide, ex.type)) rebuild = true;
        continue;
      }
      const seen = added.get(key(col.name));
      if (!seen) {
        added.set(key(col.name), { name: col.name, type: col.type, from: file.rel });
        continue;
      }
      const wide = widenType(seen.type, col.type);
      if (wide === undefined) {
        throw new SourceFileError(file.rel, `${file.rel}: column ${col.name} is ${col.type} here but ${seen.type} in ${seen.from}, and the two types cannot be reconciled`);
      }
      seen.type = wide;
    }
  }
  const kept = new Set(present.flatMap((f) => shaping(f).map((c) => key(c.name))));
  // With no typed column left (every file header-only, or none at all) the table keeps its shape and only loses rows.
  const drop = kept.size === 0 ? [] : existing.filter((c) => !kept.has(key(c.name)));
  return { rebuild, add: [...added.values()].map((c) => ({ name: c.name, type: c.type ?? 'VARCHAR' })), drop };
}

/** A file's columns in file order, each with the table's type, so `read_csv` parses straight into the table's types. */
export function fileReadColumns(file: FileColumn[], table: TableColumn[]): TableColumn[] {
  const byKey = new Map(table.map((c) => [key(c.name), c]));
  return file.map((col) => ({ name: col.name, type: byKey.get(key(col.name))?.type ?? col.type ?? 'VARCHAR' }));
}
