import { quoteIdent, quoteLiteral } from '../../warehouse';
import type { Reader } from '../file-tracking';

/** Digits a BIGINT always holds. */
export const BIGINT_DIGITS = 18;
/** Digits a HUGEINT always holds (its range is about ±1.7e38). */
const HUGEINT_DIGITS = 38;
/** DuckDB's default sniffer sample, in rows. */
export const DEFAULT_SAMPLE_ROWS = 20480;

/** What a byte scan of the file's head proved about the sniffer's sample (see csv-head-scan.ts). */
export interface HeadSample {
  /** A whole number of more than BIGINT_DIGITS digits may stand in the sample. */
  longDigits: boolean;
  /** The file's data rows when the scan reached its end; null when it has more than the scan read (more than the sample). */
  dataRows: number | null;
}

/** What one read of the sniffer's sample tells about a file's integer columns. */
export interface IntegerFacts {
  /** The sniffed columns, with DOUBLE columns of whole numbers too long for BIGINT widened (see below). */
  columns: Array<{ name: string; type: string }>;
  /**
   * Whether the file has more data rows than the sniffer sampled; only set when an integer column
   * remains, as only then may a value the sample did not see not fit (see `CsvDialect.beyondSample`).
   */
  beyondSample?: boolean;
}

/**
 * DuckDB's sniffer types whole numbers beyond BIGINT as DOUBLE, which would keep only ~16 significant
 * digits of e.g. a 23-digit ID: each DOUBLE column whose sampled values are all whole numbers becomes
 * HUGEINT (up to 38 digits) or VARCHAR (longer), so no digit is lost. And when an integer column remains,
 * whether the file is longer than the sample, so the load knows to check late values. Both come from
 * ONE read of the sample as text (sample + 1 rows: the extra row only counts, it never sways a type);
 * files with neither a DOUBLE nor an integer column are not read at all. `head` (a byte scan of the
 * sample's records, null when it proves nothing) answers both without that read for most unquoted files:
 * no run of 19+ digits means no DOUBLE can widen, and it counts the rows.
 */
export async function inspectIntegerColumns(
  read: Reader,
  abs: string,
  /** `read_csv` of the file with the given columns (path parameter `$1`). */
  readSql: (columns: Array<{ name: string; type: string }>) => string,
  columns: Array<{ name: string; type: string }>,
  sampleSize: number | undefined,
  head: HeadSample | null = null,
): Promise<IntegerFacts> {
  const doubles = head && !head.longDigits ? [] : columns.filter((c) => c.type === 'DOUBLE');
  const wholeFile = sampleSize === -1;
  const sample = sampleSize ?? DEFAULT_SAMPLE_ROWS;
  const hasInteger = columns.some((c) => isIntegerType(c.type));
  if (doubles.length === 0 && head && hasInteger && !wholeFile) {
    // The same test as the read below (`n >= sample`), on rows the scan counted; a scan that stopped early saw more rows than the sample.
    return { columns, beyondSample: head.dataRows === null || head.dataRows >= sample };
  }
  // With the whole file sampled nothing lies beyond it, so rows are only counted for a smaller sample.
  const needCount = !wholeFile && (doubles.length > 0 || hasInteger);
  if (doubles.length === 0 && !needCount) return { columns };
  const text = columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));
  // row_number() over the limited read numbers rows in file order (a streaming window), so `_dango_row <= sample` is the
  // first `sample` rows that a `LIMIT sample` read kept: the digits decision sees exactly those rows, never the extra one.
  const numbered = !wholeFile && doubles.length > 0;
  const stats = doubles.map((c, i) => {
    const v = `trim(${quoteIdent(c.name)})`;
    const whole = `regexp_full_match(${v}, '[+-]?[0-9]+')`;
    const all = numbered ? ` FILTER (WHERE _dango_row <= ${sample})` : '';
    const wholeOnly = numbered ? `${whole} AND _dango_row <= ${sample}` : whole;
    return `bool_and(${v} IS NULL OR ${whole})${all} AS w${i}, max(length(ltrim(${v}, '+-0'))) FILTER (WHERE ${wholeOnly}) AS d${i}`;
  });
  const projected = doubles.length === 0 ? '1' : [...doubles.map((c) => quoteIdent(c.name)), ...(numbered ? ['row_number() OVER () AS _dango_row'] : [])].join(', ');
  const source = wholeFile
    ? `(SELECT ${projected} FROM ${readSql(text)})`
    : `(SELECT ${projected} FROM (SELECT * FROM ${readSql(text)} LIMIT ${sample + 1}))`;
  const [row] = await read<Record<string, unknown>>(`SELECT ${['count(*) AS n', ...stats].join(', ')} FROM ${source}`, [abs]);
  const widened = columns.map((c) => {
    const i = doubles.indexOf(c);
    const digits = Number(row?.[`d${i}`] ?? 0);
    // Without a whole number too long for BIGINT here, the sniffer saw a fraction elsewhere: DOUBLE is right.
    if (i < 0 || row?.[`w${i}`] !== true || digits <= BIGINT_DIGITS) return c;
    return { name: c.name, type: digits <= HUGEINT_DIGITS ? 'HUGEINT' : 'VARCHAR' };
  });
  if (!widened.some((c) => isIntegerType(c.type))) return { columns: widened };
  // Whether the sniffer's sample counts the header line is DuckDB's detail: a file of exactly `sample` rows counts as beyond.
  return { columns: widened, beyondSample: !wholeFile && Number(row?.n ?? 0) >= sample };
}

/** DuckDB's integer types: casting text to them rounds a decimal (`'1.5'` -> 2) instead of failing. */
const INTEGER_TYPES = new Set(['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT']);

/** True for a DuckDB integer type name. */
export function isIntegerType(type: string | null): boolean {
  return type !== null && INTEGER_TYPES.has(type.toUpperCase());
}

/** Starts the text of the error a strict integer cast raises, so `csvFileError` can recognise it. */
export const NOT_INTEGER_MARKER = 'Dango integer check: ';

/**
 * A SELECT expression that casts the text column `name` to the integer `type`, failing the statement
 * with a message naming the column, type and value when the text is not a whole number (a plain cast
 * would round `1.5` to 2). Leading zeros and surrounding spaces pass, as DuckDB's own cast accepts them.
 */
export function strictIntegerSql(name: string, type: string): string {
  const c = quoteIdent(name);
  const message = `'${NOT_INTEGER_MARKER}column ' || ${quoteLiteral(name)} || ' is ' || ${quoteLiteral(type)} || ' but holds ''' || left(${c}, 60) || ''''`;
  // Text that reads back unchanged from its integer is a plain whole number, which the regexp would pass: the
  // (cheaper) round trip spares most values the regexp; the rest (zeros, signs, spaces, errors) take it as before.
  const fast = `TRY_CAST(${c} AS ${type})`;
  return `CASE WHEN ${c} IS NULL THEN NULL WHEN ${fast}::VARCHAR = ${c} THEN ${fast} WHEN regexp_full_match(${c}, '\\s*[-+]?[0-9]+\\s*') THEN CAST(${c} AS ${type}) ELSE error(${message}) END`;
}
