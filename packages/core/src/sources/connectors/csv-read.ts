import { open } from 'node:fs/promises';
import { errorMessage } from '../../errors';
import { globSafePath, quoteLiteral } from '../../warehouse';
import type { FileColumn, Reader } from '../file-tracking';
import { SourceFileError } from './connector';
import { BIGINT_DIGITS, DEFAULT_SAMPLE_ROWS, inspectIntegerColumns, NOT_INTEGER_MARKER } from './csv-integer-columns';
import { headFitsDelimiter, scanHead } from './csv-head-scan';
import { encodingProblem } from './csv-encoding';
import type { ForcedFormats } from './csv-date-formats';
import type { CsvReadOptions } from './csv-read-options';
import { assertSameWidth, headText, skippedLinesArePreamble, widthMismatchReason } from './csv-structure';

export { csvReadOptions, type CsvReadOptions } from './csv-read-options';

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

/** Records the head scan reads beyond the sample: the header, and a margin. */
const HEAD_EXTRA_LINES = 16;

/** Files this small are counted during extraction so a header-only file is known to have no rows. */
const COUNT_BELOW_BYTES = 64 * 1024;


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
export async function describeCsv(read: Reader, rel: string, abs: string, size: number, options: CsvReadOptions, forced: ForcedFormats = {}): Promise<DescribedFile> {
  const fallback: CsvDialect = {
    delim: options.delimiter ?? ',', quote: options.quote, escape: options.quote, header: options.header ?? true, skip: 0,
    comment: null, dateformat: null, timestampformat: null, encoding: options.encoding,
    ...(options.nullValues ? { nullstr: options.nullValues } : {}),
  };
  const headBytes = size === 0 ? Buffer.alloc(0) : await readHead(abs);
  if (size === 0 || isBlankHead(headBytes, size)) return { dialect: fallback, columns: [], noRows: true };
  try {
    const wrongEncoding = encodingProblem(rel, headBytes, options.encoding);
    if (wrongEncoding) throw wrongEncoding;
    // The quote the load forces is given to the sniffer too: it then does not try other quotes (a third of its time).
    // A 2 MiB buffer (the longest line DuckDB reads by default) instead of 32 MiB: the sniffer reads only as many as its
    // sample needs, where a fresh instance would otherwise fault in a 32 MiB buffer for a sample of a few MiB.
    const args = ['$1', `quote = ${quoteLiteral(options.quote)}`, `buffer_size = ${SNIFF_BUFFER_BYTES}`];
    if (options.delimiter !== undefined) args.push(`delim = ${quoteLiteral(options.delimiter)}`);
    if (options.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(options.encoding)}`);
    if (options.header !== undefined) args.push(`header = ${options.header}`);
    if (options.sampleSize !== undefined) args.push(`sample_size = ${options.sampleSize}`);
    if (options.nullValues) args.push(`nullstr = ${nullstrLiteral(options.nullValues)}`);
    for (const [key, format] of Object.entries(forced)) if (format) args.push(`${key} = ${quoteLiteral(format)}`);
    const sniff = async (extra: string[] = []): Promise<SniffRow | undefined> =>
      (
        await read<SniffRow>(
          `SELECT Delimiter, Quote, Escape, Comment, SkipRows, HasHeader, Columns, DateFormat, TimestampFormat FROM sniff_csv(${[...args, ...extra].join(', ')})`,
          [globSafePath(abs)],
        )
      )[0];
    // The byte scan needs no dialect, so it runs while DuckDB sniffs; a failed scan only means the DuckDB read decides.
    const headScan = !options.headScan || options.encoding === 'utf-16' || options.sampleSize === -1
      ? Promise.resolve(null)
      : scanHead(abs, (options.sampleSize ?? DEFAULT_SAMPLE_ROWS) + HEAD_EXTRA_LINES, BIGINT_DIGITS, options.quote).catch(() => null);
    let s = await sniff();
    if (!s) return { dialect: fallback, columns: [], noRows: true };
    const toDialect = (row: SniffRow): CsvDialect => {
      const sniffedQuote = row.Quote && row.Quote !== EMPTY ? row.Quote : null;
      return {
        ...fallback,
        delim: options.delimiter ?? row.Delimiter,
        // The sniffed escape only applies to the sniffed quote; with the quote forced, RFC 4180 doubling.
        escape: sniffedQuote === options.quote && row.Escape && row.Escape !== EMPTY ? row.Escape : options.quote,
        header: options.header ?? row.HasHeader,
        skip: Number(row.SkipRows ?? 0),
        comment: row.Comment && row.Comment !== EMPTY ? row.Comment : null,
        dateformat: row.DateFormat || null,
        timestampformat: row.TimestampFormat || null,
      };
    };
    const text = headText(headBytes, options.encoding);
    const suspect = options.delimiter === undefined && s.Columns.length === 1 ? likelyDelimiter(text, s.Delimiter) : null;
    // One column although the header holds a delimiter: the sniffer gave up on a broken file (ragged rows, an
    // unclosed quote) and fell back to "one column per line". Sniffing with that delimiter names the problem,
    // and when even that fails, a strict read from the first line names the line.
    if (suspect) {
      try {
        s = (await sniff([`delim = ${quoteLiteral(suspect)}`])) ?? s;
      } catch (err) {
        await assertSameWidth(read, globSafePath(abs), text, { ...toDialect(s), delim: suspect, escape: options.quote });
        throw err;
      }
    }
    let dialect = toDialect(s);
    // The sniffer skipped lines that are no preamble (e.g. it chose a wider footer as the table): the file is read from its first line.
    if (dialect.skip > 0 && !skippedLinesArePreamble(text, dialect.skip, dialect, dialect.header)) {
      await assertSameWidth(read, globSafePath(abs), text, dialect);
      s = (await sniff([...(options.delimiter === undefined ? [`delim = ${quoteLiteral(dialect.delim)}`] : []), 'skip = 0'])) ?? s;
      dialect = toDialect(s);
    }
    const scanned = await headScan;
    const head = scanned && headSampleFits(dialect, s.Columns.length) ? { longDigits: scanned.longDigits, dataRows: scanned.complete ? scanned.records - (dialect.header ? 1 : 0) : null } : null;
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

/**
 * Whether the head scan's records are the rows DuckDB reads with this dialect: not when comment lines are
 * skipped, when a single column makes an empty line a NULL row, when a delimiter could hide a number's
 * border, or when the sniffer skips lines (a preamble the scan would count).
 */
function headSampleFits(dialect: CsvDialect, columns: number): boolean {
  return headFitsDelimiter(dialect.delim) && dialect.comment === null && columns > 1 && dialect.skip === 0;
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
function isBlankHead(head: Buffer, size: number): boolean {
  if (size >= COUNT_BELOW_BYTES) return false;
  const bom = BOMS.find((b) => head.subarray(0, b.length).equals(b));
  return head.subarray(bom?.length ?? 0).every((byte) => byte === 0 || byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d);
}

/** A common delimiter found in the file's first line other than the sniffed one, or null. */
function likelyDelimiter(head: string, sniffed: string): string | null {
  const firstLine = head.split(/\r?\n/, 1)[0] ?? '';
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
  } else if (widthMismatchReason(raw, at, line)) {
    reason = widthMismatchReason(raw, at, line)!;
  } else if (/too many columns|fewer columns/i.test(raw)) {
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
