import { quoteIdent, quoteLiteral } from '../../warehouse';
import type { Reader } from '../file-tracking';

/** Digits a BIGINT always holds. */
const BIGINT_DIGITS = 18;
/** Digits a HUGEINT always holds (its range is about ±1.7e38). */
const HUGEINT_DIGITS = 38;
/** DuckDB's default sniffer sample, in rows. */
const DEFAULT_SAMPLE_ROWS = 20480;

/**
 * DuckDB's sniffer types whole numbers beyond BIGINT as DOUBLE, which would keep only ~16 significant
 * digits of e.g. a 23-digit ID. For each DOUBLE column whose sampled values are all whole numbers, this
 * reads the same sample as text and picks HUGEINT (up to 38 digits) or VARCHAR (longer), so no digit
 * is lost. Only files with a DOUBLE column pay for the extra read, and only of the sample.
 */
export async function keepIntegerDigits(
  read: Reader,
  abs: string,
  /** `read_csv` of the file with the given columns (path parameter `$1`). */
  readSql: (columns: Array<{ name: string; type: string }>) => string,
  columns: Array<{ name: string; type: string }>,
  sampleSize: number | undefined,
): Promise<Array<{ name: string; type: string }>> {
  const doubles = columns.filter((c) => c.type === 'DOUBLE');
  if (doubles.length === 0) return columns;
  const text = columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));
  const limit = sampleSize === -1 ? '' : `LIMIT ${sampleSize ?? DEFAULT_SAMPLE_ROWS}`;
  const stats = doubles.map((c, i) => {
    const v = `trim(${quoteIdent(c.name)})`;
    const whole = `regexp_full_match(${v}, '[+-]?[0-9]+')`;
    return `bool_and(${v} IS NULL OR ${whole}) AS w${i}, max(length(ltrim(${v}, '+-0'))) FILTER (WHERE ${whole}) AS d${i}`;
  });
  const [row] = await read<Record<string, unknown>>(
    `SELECT ${stats.join(', ')} FROM (SELECT * FROM ${readSql(text)} ${limit})`,
    [abs],
  );
  return columns.map((c) => {
    const i = doubles.indexOf(c);
    const digits = Number(row?.[`d${i}`] ?? 0);
    // Without a whole number too long for BIGINT here, the sniffer saw a fraction elsewhere: DOUBLE is right.
    if (i < 0 || row?.[`w${i}`] !== true || digits <= BIGINT_DIGITS) return c;
    return { name: c.name, type: digits <= HUGEINT_DIGITS ? 'HUGEINT' : 'VARCHAR' };
  });
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
  return `CASE WHEN ${c} IS NULL THEN NULL WHEN regexp_full_match(${c}, '\\s*[-+]?[0-9]+\\s*') THEN CAST(${c} AS ${type}) ELSE error(${message}) END`;
}

/**
 * True when the file has more data rows than the sniffer sampled, so a value the sample did not see
 * may not fit an inferred integer type. Reads at most the sample's rows again, as text.
 */
export async function exceedsSample(
  read: Reader,
  abs: string,
  readSql: (columns: Array<{ name: string; type: string }>) => string,
  columns: Array<{ name: string; type: string }>,
  sampleSize: number | undefined,
): Promise<boolean> {
  if (sampleSize === -1) return false;
  const sample = sampleSize ?? DEFAULT_SAMPLE_ROWS;
  const text = columns.map((c) => ({ name: c.name, type: 'VARCHAR' }));
  const [row] = await read<{ n: number | bigint }>(`SELECT count(*) AS n FROM (SELECT 1 FROM ${readSql(text)} LIMIT ${sample + 1})`, [abs]);
  // Whether the sniffer's sample counts the header line is DuckDB's detail: a file of exactly `sample` rows counts as beyond.
  return Number(row?.n ?? 0) >= sample;
}
