import { quoteLiteral } from '../../warehouse';
import type { Reader } from '../file-tracking';

/**
 * The structural rule of CSV files: every line has as many fields as the file's first line. DuckDB's
 * sniffer does not enforce it: given a file whose last line is wider than the header (an export's
 * "Total,,12345.5" footer) it picks the widest consistent lines, skips everything before them and
 * names the columns `column0..N`, so the real rows vanish. Dango reads every file from its first
 * line instead, and a line that does not fit fails the sync naming it.
 */

/** The dialect parts a structural check needs. */
export interface StructureDialect {
  delim: string;
  quote: string;
  escape: string;
  comment: string | null;
  encoding: string;
}

/** Decodes a file's head for the line checks (the BOM removed); utf-16 here means DuckDB's little-endian. */
export function headText(head: Buffer, encoding: string): string {
  const text = encoding === 'utf-16' ? new TextDecoder('utf-16le').decode(head) : head.toString('latin1');
  return text.replace(/^(\ufeff|\xef\xbb\xbf)/, '');
}

/**
 * True when the `skip` lines the sniffer chose to skip are a preamble, not rows: blank lines, or (above a
 * header the sniffer found) title and comment lines that do not form a table themselves, i.e. no two of
 * them have the same number (2 or more) of fields. A footer wider than the header makes the sniffer skip
 * the header and every row before it, which do form a table: those are never skipped.
 */
export function skippedLinesArePreamble(text: string, skip: number, dialect: StructureDialect, header: boolean): boolean {
  const lines = text.split(/\r\n|\n|\r/).slice(0, skip).filter((line) => line.trim() !== '');
  if (lines.length === 0) return true;
  if (!header) return false;
  const widths = lines.map((line) => firstRecordFields(line, dialect.delim, dialect.quote, dialect.escape)).filter((w) => w >= 2);
  return new Set(widths).size === widths.length;
}

/** Fields of the first non-blank record of `text` (quotes respected; a quoted line break stays in its field). */
export function firstRecordFields(text: string, delim: string, quote: string, escape: string): number {
  const start = text.search(/[^\r\n]/);
  if (start < 0) return 0;
  let fields = 1;
  let quoted = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === escape && escape !== quote && text[i + 1] === quote) i++;
      else if (ch === quote && escape === quote && text[i + 1] === quote) i++;
      else if (ch === quote) quoted = false;
    } else if (ch === quote) quoted = true;
    else if (text.startsWith(delim, i)) {
      fields++;
      i += delim.length - 1;
    } else if (ch === '\n' || ch === '\r') break;
  }
  return fields;
}

/**
 * Reads the whole file from its first line with as many text columns as its first record (in `head`,
 * the decoded start of the file) has fields,
 * strictly: resolves when every line fits, rejects with DuckDB's error (which names the first line
 * that does not, and its field count) otherwise. Only run when the sniffer's view of a file already
 * disagrees with its first line, so a normal file is never read twice.
 */
export async function assertSameWidth(read: Reader, path: string, head: string, dialect: StructureDialect): Promise<void> {
  const fields = firstRecordFields(head, dialect.delim, dialect.quote, dialect.escape);
  const columns = Array.from({ length: Math.max(1, fields) }, (_, i) => `'c${i}': 'VARCHAR'`).join(', ');
  const args = [
    '$1', 'auto_detect = false', 'header = false', 'skip = 0', 'strict_mode = true',
    `delim = ${quoteLiteral(dialect.delim)}`, `quote = ${quoteLiteral(dialect.quote)}`, `escape = ${quoteLiteral(dialect.escape)}`,
    `columns = {${columns}}`,
  ];
  if (dialect.comment) args.push(`comment = ${quoteLiteral(dialect.comment)}`);
  if (dialect.encoding !== 'utf-8') args.push(`encoding = ${quoteLiteral(dialect.encoding)}`);
  await read(`SELECT count(*) AS n FROM read_csv(${args.join(', ')})`, [path]);
}

/** Characters of the offending line quoted in a message. */
const QUOTED_LINE_CHARS = 100;

/**
 * The reason for DuckDB's "Expected Number of Columns" error, or null for another error. DuckDB stops
 * counting one field past the expected number, so a wider line is "more than", and it numbers records
 * (a quoted value spanning lines counts once): the line's text is quoted so it can be found.
 */
export function widthMismatchReason(raw: string, at: string, line: string | undefined): string | null {
  const m = /Expected Number of Columns: (\d+) Found: (\d+)/.exec(raw);
  if (!m) return null;
  const expected = Number(m[1]);
  const found = Number(m[2]);
  const where = line ? `line ${line}` : 'a line';
  // The line's text runs up to the next part of the message; after a CRLF it starts with the LF.
  const original = /Original Line: ([\s\S]*?)\nExpected Number of Columns/.exec(raw)?.[1]?.trim();
  const text = original === undefined ? '' : ` (\`${original.length > QUOTED_LINE_CHARS ? `${original.slice(0, QUOTED_LINE_CHARS)}…` : original}\`)`;
  const count = found > expected
    ? `${where} has more than the ${expected} field${expected === 1 ? '' : 's'} of the first line${text}`
    : `${where} has ${found} field${found === 1 ? '' : 's'} where the first line has ${expected}${text}`;
  return `is not valid CSV${at}: rows have different numbers of columns: ${count}; remove or fix that line (e.g. a title or total line an export added)`;
}
