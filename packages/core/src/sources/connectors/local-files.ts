import { localFilesOptionsSchema, type LocalFilesOptions } from '../../config/source-options';
import type { SourceConfig } from '../../config/schemas';
import { errorMessage } from '../../errors';
import { globSafePath, quoteLiteral } from '../../warehouse';
import { defineFileConnector } from '../file-connector';
import type { FileReader } from '../file-load';
import type { FileDescription } from '../file-plan';
import type { DiskFile } from '../file-source';
import type { Reader } from '../file-tracking';
import { SourceFileError } from './connector';
import { borrowCsvDescription, csvShareKey, describeCsvFile } from './csv';
import { csvReader } from './csv-load';
import { flattenColumns, type RawColumn } from './nested-columns';
import { localFilesTemplate } from './source-templates';

/** The format a file is read with. */
type FileFormat = 'csv' | 'json' | 'ndjson' | 'parquet';

/** How a JSON or Parquet file is read again: its format, the reader's column types and the nesting depth. */
interface StructuredReadOptions {
  format: 'json' | 'ndjson' | 'parquet';
  columns: RawColumn[];
  maxNesting: number;
}

const BY_EXTENSION: Record<string, FileFormat> = { csv: 'csv', json: 'json', jsonl: 'ndjson', ndjson: 'ndjson', parquet: 'parquet' };

function options(source: SourceConfig): LocalFilesOptions {
  return localFilesConnector.config(source);
}

/** The format of one file: the configured one, or by extension (a trailing `.gz` aside) under `format: auto`. */
function formatOf(file: DiskFile, configured: LocalFilesOptions['format']): FileFormat {
  const gz = /\.gz$/i.test(file.rel);
  const ext = /\.([a-z0-9]+)$/i.exec(file.rel.replace(/\.gz$/i, ''))?.[1]?.toLowerCase() ?? '';
  const format = configured === 'auto' ? BY_EXTENSION[ext] : configured;
  if (!format) {
    throw new SourceFileError(file.rel, `${file.rel}: cannot tell its format from the extension; name it .json, .jsonl, .ndjson, .parquet or .csv, or set local_files.format`);
  }
  if (format === 'parquet' && gz) throw new SourceFileError(file.rel, `${file.rel}: gzipped Parquet files cannot be read; Parquet compresses its own pages, store the .parquet file as it is`);
  return format;
}

/** The reader call of a JSON or Parquet file; the path is the bound parameter `$<param>`. */
function readerSql(param: number, format: StructuredReadOptions['format'], columns?: RawColumn[]): string {
  if (format === 'parquet') return `read_parquet($${param})`;
  const args = [`$${param}`, `format = ${quoteLiteral(format === 'ndjson' ? 'newline_delimited' : 'auto')}`];
  // The types found when the file was described: the load neither infers again nor drifts from them.
  if (columns) args.push(`columns = {${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`);
  return `read_json(${args.join(', ')})`;
}

/** Turns a DuckDB reader error into a message that names the file (relative) and, when known, the line. */
function structuredFileError(rel: string, err: unknown): SourceFileError {
  if (err instanceof SourceFileError) return err;
  const first = errorMessage(err).split('\n', 1)[0] ?? '';
  const malformed = /Malformed JSON in file "[^"]*", at byte \d+ in line (\d+): (.*)$/.exec(first);
  if (malformed) return new SourceFileError(rel, `${rel} is not valid JSON (line ${malformed[1]}): ${malformed[2]!.replace(/\.\s*$/, '')}`, { cause: err });
  const transform = /JSON transform error in file "[^"]*", in line (\d+): (.*)$/.exec(first);
  if (transform) {
    return new SourceFileError(
      rel,
      `${rel} has a value that does not fit its column's type (line ${transform[1]}): ${transform[2]!.replace(/\.\s*$/, '')}; ` +
        "the type was inferred from the file's first 20,480 objects",
      { cause: err },
    );
  }
  const detail = first.replace(/^[A-Za-z ]*Error:\s*/, '').replace(/(["'])\/[^"']*\1/g, (m) => (m.includes(rel) ? `${m[0]}${rel}${m[0]}` : m));
  const what = /parquet|magic bytes/i.test(first) ? 'is not a valid Parquet file' : 'could not be read';
  return new SourceFileError(rel, `${rel} ${what}: ${detail}`, { cause: err });
}

/** Reads a JSON or Parquet file's columns (structs flattened) without loading its rows. */
async function describeStructured(read: Reader, file: DiskFile, format: StructuredReadOptions['format'], maxNesting: number): Promise<FileDescription> {
  const path = globSafePath(file.abs);
  let raw: RawColumn[];
  try {
    const rows = await read<{ column_name: string; column_type: string }>(`DESCRIBE SELECT * FROM ${readerSql(1, format)}`, [path]);
    raw = rows.map((r) => ({ name: r.column_name, type: r.column_type }));
  } catch (err) {
    throw structuredFileError(file.rel, err);
  }
  // An empty file or `[]` has no objects: DuckDB reports one untyped `json` column.
  if (format !== 'parquet' && raw.length === 1 && raw[0]!.name === 'json' && raw[0]!.type === 'JSON') {
    const [count] = await read<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${readerSql(1, format)}`, [path]).catch((err: unknown) => {
      throw structuredFileError(file.rel, err);
    });
    if (Number(count?.n ?? 0) === 0) return { columns: [], readOptions: { format, columns: [], maxNesting }, noRows: true };
  }
  const readOptions: StructuredReadOptions = { format, columns: raw, maxNesting };
  return { columns: flattenColumns(raw, maxNesting).map((c) => ({ name: c.name, type: c.type })), readOptions: { ...readOptions }, noRows: false };
}

async function describeLocalFile(read: Reader, file: DiskFile, source: SourceConfig): Promise<FileDescription> {
  const config = options(source);
  const format = formatOf(file, config.format);
  if (format === 'csv') {
    const described = await describeCsvFile(read, file, source);
    return { ...described, readOptions: { ...described.readOptions, format } };
  }
  return describeStructured(read, file, format, config.max_nesting);
}

/** Reads a file of any format; CSV files go through the CSV reader with their stored dialect. */
const localFilesReader: FileReader = {
  readSql(fileColumns, table, readOptions) {
    if (readOptions.format === 'csv') return csvReader.readSql(fileColumns, table, readOptions);
    const o = readOptions as unknown as StructuredReadOptions;
    const flat = new Map(flattenColumns(o.columns, o.maxNesting).map((c) => [c.name, c.expr]));
    return { select: fileColumns.map((c) => flat.get(c.name)!), from: readerSql(3, o.format, o.columns) };
  },
  fileError(rel, err) {
    const first = errorMessage(err);
    return /CSV Error|sniff|delimiter/i.test(first) ? csvReader.fileError(rel, err) : structuredFileError(rel, err);
  },
  // Only CSV files: JSON and Parquet files of one column list may still differ in their readers' types.
  batchable: (readOptions) => readOptions.format === 'csv',
};

/**
 * The `local_files` connector: JSON (an array or one object per line), NDJSON, Parquet and CSV files,
 * optionally gzipped, read by DuckDB itself; nested objects become `parent__child` columns.
 */
export const localFilesConnector = defineFileConnector({
  type: 'local_files',
  sourceTemplate: localFilesTemplate,
  configSchema: localFilesOptionsSchema,
  describe: describeLocalFile,
  reader: localFilesReader,
  share: {
    key: async (file, source) => (formatOf(file, options(source).format) === 'csv' ? csvShareKey(file, source) : null),
    borrow: borrowCsvDescription,
  },
});
