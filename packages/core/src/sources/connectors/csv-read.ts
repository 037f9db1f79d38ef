import { DangoError, errorMessage } from '../../errors';
import type { SourceConfig } from '../../config';
import { quoteLiteral } from '../../warehouse';
import type { FileColumn, Reader } from '../file-tracking';
import { SourceFileError } from './connector';

/** Encodings DuckDB's CSV reader decodes itself (no extension needed). */
const ENCODINGS = ['utf-8', 'utf-16', 'latin-1'] as const;

/** How the files of one CSV source are read. */
export interface CsvReadOptions {
  /** Configured delimiter; auto-detected per file when absent. */
  delimiter?: string;
  header?: boolean;
  encoding: (typeof ENCODINGS)[number];
  /**
   * Always set: with quoting forced to `"` an unbalanced quote is an error, where DuckDB's sniffer
   * would otherwise fall back to "no quoting" and load the broken rows silently.
   */
  quote: string;
}

/** Files this small are counted during extraction so a header-only file is known to have no rows. */
const COUNT_BELOW_BYTES = 64 * 1024;

/** The read options of a CSV source, validated. */
export function csvReadOptions(source: SourceConfig): CsvReadOptions {
  const csv = (source.csv ?? {}) as { delimiter?: string; header?: boolean; encoding?: unknown; quote?: unknown };
  const encoding = String(csv.encoding ?? 'utf-8').toLowerCase().replace(/^latin1$/, 'latin-1').replace(/^utf8$/, 'utf-8');
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new DangoError('BAD_REQUEST', `Source '${source.name}': csv.encoding '${String(csv.encoding)}' is not supported (use one of ${ENCODINGS.join(', ')})`);
  }
  if (csv.quote !== undefined && (typeof csv.quote !== 'string' || csv.quote.length !== 1)) {
    throw new DangoError('BAD_REQUEST', `Source '${source.name}': csv.quote must be a single character`);
  }
  return { delimiter: csv.delimiter, header: csv.header, encoding: encoding as CsvReadOptions['encoding'], quote: (csv.quote as string | undefined) ?? '"' };
}

/**
 * The `read_csv(...)` call for one file; the path is the bound parameter `$<pathParam>`, options are
 * literals because DuckDB takes named table-function options only as constants.
 */
export function readCsvSql(pathParam: number, options: CsvReadOptions, delim: string, types?: Record<string, string>): string {
  const args = [`$${pathParam}`, `delim = ${quoteLiteral(delim)}`, `quote = ${quoteLiteral(options.quote)}`];
  if (options.header !== undefined) args.push(`header = ${options.header}`);
  if (options.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(options.encoding)}`);
  const entries = Object.entries(types ?? {});
  if (entries.length > 0) args.push(`types = {${entries.map(([k, v]) => `${quoteLiteral(k)}: ${quoteLiteral(v)}`).join(', ')}}`);
  return `read_csv(${args.join(', ')})`;
}

/** What extraction learns about one file without loading it. */
export interface DescribedFile {
  delim: string;
  columns: FileColumn[];
  /** True when the file has no data rows (empty or header only). */
  noRows: boolean;
}

/**
 * Sniffs a file's delimiter and column types with one `sniff_csv` (the same sample the plain
 * `read_csv` would sniff; the whole file is not read). An unbalanced quote the sniffer works around
 * here still fails the load, which reads with quoting forced.
 */
export async function describeCsv(read: Reader, rel: string, abs: string, size: number, options: CsvReadOptions): Promise<DescribedFile> {
  if (size === 0) return { delim: options.delimiter ?? ',', columns: [], noRows: true };
  try {
    const args = ['$1'];
    if (options.delimiter !== undefined) args.push(`delim = ${quoteLiteral(options.delimiter)}`);
    if (options.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(options.encoding)}`);
    if (options.header !== undefined) args.push(`header = ${options.header}`);
    const [sniffed] = await read<{ Delimiter: string; Columns: Array<{ name: string; type: string }> }>(
      `SELECT Delimiter, Columns FROM sniff_csv(${args.join(', ')})`,
      [abs],
    );
    const delim = options.delimiter ?? (sniffed?.Delimiter || ',');
    let noRows = false;
    if (size < COUNT_BELOW_BYTES) {
      const [c] = await read<{ n: number }>(`SELECT count(*) AS n FROM ${readCsvSql(1, options, delim)}`, [abs]);
      noRows = (c?.n ?? 0) === 0;
    }
    const columns = (sniffed?.Columns ?? []).map((c) => ({ name: c.name, type: noRows ? null : c.type }));
    return { delim, columns, noRows };
  } catch (err) {
    throw csvFileError(rel, err);
  }
}

/** Turns a DuckDB reader error into a short message that names the file and, when known, the line. */
export function csvFileError(rel: string, err: unknown): SourceFileError {
  if (err instanceof SourceFileError) return err;
  const raw = errorMessage(err);
  const line = /CSV Error on Line: (\d+)/.exec(raw)?.[1];
  const at = line ? ` (line ${line})` : '';
  let reason: string;
  if (/Invalid unicode|not utf-8 encoded/i.test(raw)) {
    reason = `is not UTF-8 encoded${at}; set csv.encoding to latin-1 or utf-16 in .dango/sources.yml if that is its encoding`;
  } else if (/unterminated quote|not possible to automatically detect the CSV parsing dialect/i.test(raw)) {
    reason = `is not valid CSV${at}: a quoted value is never closed, or rows have inconsistent columns`;
  } else if (/Could not convert|Conversion Error/i.test(raw)) {
    const detail = raw.split('\n').find((l) => /Could not convert|Conversion Error/i.test(l)) ?? '';
    reason = `has a value that does not fit its column's type${at}: ${detail.replace(/^.*?Error:\s*/, '').trim()}`;
  } else {
    const first = raw.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ');
    reason = `could not be read${at}: ${first.replace(/^Invalid Input Error:\s*/, '')}`;
  }
  return new SourceFileError(rel, `${rel} ${reason}`, { cause: err });
}
