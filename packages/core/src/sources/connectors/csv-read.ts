import { open } from 'node:fs/promises';
import { DangoError, errorMessage } from '../../errors';
import type { SourceConfig } from '../../config';
import { globSafePath, quoteLiteral } from '../../warehouse';
import type { FileColumn, Reader } from '../file-tracking';
import { SourceFileError } from './connector';
import { BIGINT_DIGITS, DEFAULT_SAMPLE_ROWS, inspectIntegerColumns, NOT_INTEGER_MARKER } from './csv-integer-columns';
import { headFitsDelimiter, scanHead } from './csv-head-scan';

/** Encodings DuckDB's CSV reader decodes itself (no extension needed). */
const ENCODINGS = ['utf-8', 'utf-16', 'latin-1'] as const;

/** How the files of one CSV source are read (from the source config). */
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
  /** Rows the sniffer samples to infer types (`-1` = the whole file); DuckDB's default when absent. */
  sampleSize?: number;
  /** Texts read as NULL (`csv.null_values`); DuckDB's default (only the empty value) when absent. */
  nullValues?: string[];
}

/** The dialect of one file as sniffed once; loads reuse it so DuckDB does not sniff the file again. */
export interface CsvDialect {
  delim: string;
  quote: string;
  escape: string;
  header: boolean;
  skip: number;
  comment: string | null;
  dateformat: string | null;
  timestampformat: string | null;
  encoding: string;
  /** Texts read as NULL; absent = DuckDB's default (files tracked before the option existed lack it). */
  nullstr?: string[];
  /**
   * False when the sniffer's sample covered every data row, so inferred integer types are exact and
   * the load may parse them directly; otherwise (absent for files tracked before) integers are checked.
   */
  beyondSample?: boolean;
}

/** The sniffer's read buffer (DuckDB's default `max_line_size`, which a buffer must hold). */
const SNIFF_BUFFER_BYTES = 2 * 1024 * 1024;

/** Lines the head scan reads beyond the sample: the header and lines the sniffer may skip. */
const HEAD_EXTRA_LINES = 16;

/** Files this small are counted during extraction so a header-only file is known to have no rows. */
const COUNT_BELOW_BYTES = 64 * 1024;

/** The read options of a CSV source, validated. */
export function csvReadOptions(source: SourceConfig): CsvReadOptions {
  const csv = (source.csv ?? {}) as { delimiter?: string; header?: boolean; encoding?: unknown; quote?: unknown; sample_size?: unknown; null_values?: unknown };
  const encoding = String(csv.encoding ?? 'utf-8').toLowerCase().replace(/^latin1$/, 'latin-1').replace(/^utf8$/, 'utf-8');
  if (!(ENCODINGS as readonly string[]).includes(encoding)) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.encoding '${String(csv.encoding)}' is not supported (use one of ${ENCODINGS.join(', ')})`);
  }
  if (csv.quote !== undefined && (typeof csv.quote !== 'string' || csv.quote.length !== 1)) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.quote must be a single character`);
  }
  const sampleSize = csv.sample_size;
  if (sampleSize !== undefined && !(Number.isInteger(sampleSize) && ((sampleSize as number) > 0 || sampleSize === -1))) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.sample_size must be a positive whole number or -1 (the whole file)`);
  }
  const nullValues = csv.null_values;
  if (nullValues !== undefined && !(Array.isArray(nullValues) && nullValues.every((v) => typeof v === 'string'))) {
    throw new DangoError('CONFIG_INVALID', `Invalid .dango/sources.yml: source '${source.name}', csv.null_values must be a list of texts, e.g. ["", "NA", "NULL"]`);
  }
  return {
    delimiter: csv.delimiter,
    header: csv.header,
    encoding: encoding as CsvReadOptions['encoding'],
    quote: (csv.quote as string | undefined) ?? '"',
    sampleSize: sampleSize as number | undefined,
    nullValues: nullValues as string[] | undefined,
  };
}

/**
 * The `read_csv(...)` call for one file with its dialect and every column's type spelled out, so
 * DuckDB neither sniffs again nor casts afterwards. The path is the bound parameter `$<pathParam>`;
 * options are literals because DuckDB takes named table-function options only as constants.
 */
export function readCsvSql(pathParam: number, dialect: CsvDialect, columns: Array<{ name: string; type: string }>): string {
  const args = [
    `$${pathParam}`,
    'auto_detect = false',
    `delim = ${quoteLiteral(dialect.delim)}`,
    `quote = ${quoteLiteral(dialect.quote)}`,
    `escape = ${quoteLiteral(dialect.escape)}`,
    `header = ${dialect.header}`,
    `skip = ${Math.max(0, Math.floor(dialect.skip))}`,
    `columns = {${columns.map((c) => `${quoteLiteral(c.name)}: ${quoteLiteral(c.type)}`).join(', ')}}`,
  ];
  if (dialect.comment) args.push(`comment = ${quoteLiteral(dialect.comment)}`);
  if (dialect.dateformat) args.push(`dateformat = ${quoteLiteral(dialect.dateformat)}`);
  if (dialect.timestampformat) args.push(`timestampformat = ${quoteLiteral(dialect.timestampformat)}`);
  if (dialect.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(dialect.encoding)}`);
  if (dialect.nullstr) args.push(`nullstr = ${nullstrLiteral(dialect.nullstr)}`);
  return `read_csv(${args.join(', ')})`;
}

/** A `nullstr` list literal. */
function nullstrLiteral(values: string[]): string {
  return `[${values.map(quoteLiteral).join(', ')}]`;
}

/** What extraction learns about one file without loading it. */
export interface DescribedFile {
  dialect: CsvDialect;
  columns: FileColumn[];
  /** True when the file has no data rows (empty or header only). */
  noRows: boolean;
}

interface SniffRow {
  Delimiter: string;
  Quote: string;
  Escape: string;
  Comment: string;
  SkipRows: number;
  HasHeader: boolean;
  Columns: Array<{ name: string; type: string }>;
  DateFormat: string | null;
  TimestampFormat: string | null;
}

const EMPTY = '(empty)';

/**
 * Sniffs a file's dialect and column types with one `sniff_csv` (the sample the plain `read_csv`
 * would sniff; the whole file is not read). The quote is then forced to `"`, so an unbalanced
 * quote the sniffer worked around still fails the load.
 */
export async function describeCsv(read: Reader, rel: string, abs: string, size: number, options: CsvReadOptions): Promise<DescribedFile> {
  const fallback: CsvDialect = {
    delim: options.delimiter ?? ',', quote: options.quote, escape: options.quote, header: options.header ?? true, skip: 0,
    comment: null, dateformat: null, timestampformat: null, encoding: options.encoding,
    ...(options.nullValues ? { nullstr: options.nullValues } : {}),
  };
  if (size === 0 || (await isBlankFile(abs, size))) return { dialect: fallback, columns: [], noRows: true };
  try {
    if (options.encoding === 'utf-16' && !(await readHead(abs)).includes(0)) {
      // UTF-16 text stores its delimiters and line breaks with a zero byte; DuckDB would decode any other file into garbage.
      throw new SourceFileError(rel, `${rel} is not UTF-16 encoded (it has no zero bytes); fix csv.encoding in .dango/sources.yml`);
    }
    // The quote the load forces is given to the sniffer too: it then does not try other quotes (a third of its time).
    // A 2 MiB buffer (the longest line DuckDB reads by default) instead of 32 MiB: the sniffer reads only as many as its
    // sample needs, where a fresh instance would otherwise fault in a 32 MiB buffer for a sample of a few MiB.
    const args = ['$1', `quote = ${quoteLiteral(options.quote)}`, `buffer_size = ${SNIFF_BUFFER_BYTES}`];
    if (options.delimiter !== undefined) args.push(`delim = ${quoteLiteral(options.delimiter)}`);
    if (options.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(options.encoding)}`);
    if (options.header !== undefined) args.push(`header = ${options.header}`);
    if (options.sampleSize !== undefined) args.push(`sample_size = ${options.sampleSize}`);
    if (options.nullValues) args.push(`nullstr = ${nullstrLiteral(options.nullValues)}`);
    const sniff = async (extra: string[] = []): Promise<SniffRow | undefined> =>
      (
        await read<SniffRow>(
          `SELECT Delimiter, Quote, Escape, Comment, SkipRows, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(${[...args, ...extra].join(', ')})`,
          [globSafePath(abs)],
        )
      )[0];
    // The byte scan needs no dialect, so it runs while DuckDB sniffs; a failed scan only means the DuckDB read decides.
    const headScan = options.encoding === 'utf-16' || options.sampleSize === -1
      ? Promise.resolve(null)
      : scanHead(abs, (options.sampleSize ?? DEFAULT_SAMPLE_ROWS) + HEAD_EXTRA_LINES, BIGINT_DIGITS, options.quote).catch(() => null);
    let s = await sniff();
    if (!s) return { dialect: fallback, columns: [], noRows: true };
    const suspect = options.delimiter === undefined && s.Columns.length === 1 ? await likelyDelimiter(abs, s.Delimiter) : null;
    // One column although the header holds a delimiter: the sniffer gave up on a broken file (ragged rows, an
    // unclosed quote) and fell back to "one column per line". Sniffing with that delimiter names the problem.
    if (suspect) s = (await sniff([`delim = ${quoteLiteral(suspect)}`])) ?? s;
    const sniffedQuote = s.Quote && s.Quote !== EMPTY ? s.Quote : null;
    const dialect: CsvDialect = {
      ...fallback,
      delim: options.delimiter ?? s.Delimiter,
      // The sniffed escape only applies to the sniffed quote; with the quote forced, RFC 4180 doubling.
      escape: sniffedQuote === options.quote && s.Escape && s.Escape !== EMPTY ? s.Escape : options.quote,
      header: options.header ?? s.HasHeader,
      skip: Number(s.SkipRows ?? 0),
      comment: s.Comment && s.Comment !== EMPTY ? s.Comment : null,
      dateformat: s.DateFormat || null,
      timestampformat: s.TimestampFormat || null,
    };
    const scanned = await headScan;
    // The scan covered the sample only if the header and skipped lines fit in its extra lines.
    const head = scanned && headFitsDelimiter(dialect.delim) && dialect.skip + 1 < HEAD_EXTRA_LINES ? scanned : null;
    const facts = await inspectIntegerColumns(read, globSafePath(abs), (cols) => readCsvSql(1, dialect, cols), s.Columns, options.sampleSize, head);
    const columns = facts.columns;
    if (facts.beyondSample !== undefined) dialect.beyondSample = facts.beyondSample;
    let noRows = false;
    if (size < COUNT_BELOW_BYTES) {
      const [c] = await read<{ n: number }>(`SELECT count(*) AS n FROM ${readCsvSql(1, dialect, columns)}`, [globSafePath(abs)]);
      noRows = (c?.n ?? 0) === 0;
    }
    return { dialect, columns: columns.map((c) => ({ name: c.name, type: noRows ? null : c.type })), noRows };
  } catch (err) {
    throw csvFileError(rel, err);
  }
}

/** The file's first 64 KiB. */
async function readHead(abs: string): Promise<Buffer> {
  const handle = await open(abs, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(COUNT_BELOW_BYTES), 0, COUNT_BELOW_BYTES, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Byte-order marks of UTF-8, UTF-16 LE and UTF-16 BE. */
const BOMS = [Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from([0xff, 0xfe]), Buffer.from([0xfe, 0xff])];

/**
 * True for a small file holding only a BOM and blank lines (in UTF-8 or UTF-16): DuckDB would read it
 * as one all-NULL row of a made-up `column0`, which would add a column and a row that no file has.
 */
async function isBlankFile(abs: string, size: number): Promise<boolean> {
  if (size >= COUNT_BELOW_BYTES) return false;
  const head = await readHead(abs);
  const bom = BOMS.find((b) => head.subarray(0, b.length).equals(b));
  return head.subarray(bom?.length ?? 0).every((byte) => byte === 0 || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/** A common delimiter found in the file's first line other than the sniffed one, or null. */
async function likelyDelimiter(abs: string, sniffed: string): Promise<string | null> {
  const firstLine = (await readHead(abs)).toString('utf8').split(/\r?\n/, 1)[0] ?? '';
  return [',', ';', '\t', '|'].find((d) => d !== sniffed && firstLine.includes(d)) ?? null;
}

const ICONV = 'iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv';

/** Turns a DuckDB reader error into a short message that names the file and, when known, the line. */
export function csvFileError(rel: string, err: unknown): SourceFileError {
  if (err instanceof SourceFileError) return err;
  const raw = errorMessage(err);
  const line = /CSV Error on Line: (\d+)/.exec(raw)?.[1];
  const at = line ? ` (line ${line})` : '';
  // Only the first line: the SQL DuckDB quotes after it contains the marker too.
  const firstLine = raw.split('\n', 1)[0] ?? '';
  const notInteger = firstLine.includes(NOT_INTEGER_MARKER) ? firstLine.slice(firstLine.indexOf(NOT_INTEGER_MARKER) + NOT_INTEGER_MARKER.length) : undefined;
  let reason: string;
  if (/Invalid unicode|not utf-8 encoded/i.test(raw)) {
    reason =
      `is not UTF-8 encoded${at}; set csv.encoding to latin-1 or utf-16 in .dango/sources.yml if that is its encoding ` +
      `(Windows-1252 files must be converted to UTF-8 first: ${ICONV})`;
  } else if (/not latin-1 encoded/i.test(raw)) {
    reason =
      `is not latin-1 encoded${at}: it holds bytes latin-1 leaves undefined (0x80-0x9F), as Windows-1252 files do for €, ` +
      `curly quotes and dashes; DuckDB cannot read Windows-1252, convert the file to UTF-8 first: ${ICONV}`;
  } else if (/unterminated quote/i.test(raw)) {
    reason = `is not valid CSV${at}: a quoted value is never closed`;
  } else if (/Expected Number of Columns|too many columns|fewer columns/i.test(raw)) {
    reason = `is not valid CSV${at}: rows have different numbers of columns`;
  } else if (/not possible to automatically detect the CSV parsing dialect/i.test(raw)) {
    reason = 'is not valid CSV: its rows cannot be split consistently (a quoted value is never closed, or rows have different numbers of columns)';
  } else if (notInteger !== undefined || /Could not convert|Conversion Error|Error when converting/i.test(raw)) {
    const lines = raw.split('\n');
    const detail = notInteger ?? (lines.find((l) => /Could not convert/i.test(l)) ?? lines[0] ?? '').replace(/^.*?Error:\s*/, '');
    reason =
      `has a value that does not fit its column's type${at}: ${detail.trim()}; ` +
      'the type was inferred from a sample of the file, set csv.sample_size: -1 in .dango/sources.yml to infer it from the whole file';
  } else {
    const first = raw.split('\n').map((l) => l.trim()).filter(Boolean).slice(0, 2).join(' ');
    reason = `could not be read${at}: ${first.replace(/^Invalid Input Error:\s*/, '')}`;
  }
  return new SourceFileError(rel, `${rel} ${reason}`, { cause: err });
}
