import type { RowData } from './staging';

/** How a table's rows meet the rows already loaded. */
export type WriteDisposition = 'replace' | 'append' | 'merge';

/** A column of a row table. */
export interface RowColumn {
  name: string;
  /** The warehouse (DuckDB) type. */
  type: string;
  /** When the staged text is not read as `type` directly: the type `read_csv` reads and the SQL turning that value (`ref`) into `type`. */
  staged?: { type: string; sql: (ref: string) => string };
}

/** One table a connector loads through the row loader; it lands in the sync's `raw_<source>` schema. */
export interface RowTable {
  name: string;
  columns: RowColumn[];
  disposition: WriteDisposition;
  /** Required for `merge`: rows with the same key replace the loaded ones. */
  primaryKey?: string[];
  /** The incremental cursor column: its largest loaded value is stored and commits with the rows. */
  cursor?: string;
  /**
   * Opens the table's data; called once per sync, tables one after another in the given order. A source
   * that learns its schema from its data (an HTTP API) may append to `columns` and widen their types
   * while its batches run: each row holds the columns known when it was produced (the rest load as NULL).
   */
  read(): RowData | Promise<RowData>;
}
