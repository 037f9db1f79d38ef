import { open } from 'node:fs/promises';

/** What a byte scan of a file's first lines proves, without parsing it as CSV. */
export interface HeadFacts {
  /** True when some field of the scanned lines is a whole number of more than `digits` digits. */
  longDigits: boolean;
  /** True when the scan reached the end of the file. */
  complete: boolean;
  /** Line breaks seen (`\n` and `\r` both counted, so CRLF counts twice): never fewer than the file's rows. */
  breaks: number;
}

const CHUNK = 1024 * 1024;
/** Beyond this the scan gives up: a sample spread over more bytes is left to DuckDB. */
const MAX_SCAN_BYTES = 8 * 1024 * 1024;

const isBreak = (ch: string | undefined): boolean => ch === '\n' || ch === '\r';

/** True when the digits at [start, end) are a whole field: only spaces and a sign between them and a delimiter or line edge. */
function isWholeField(text: string, start: number, end: number, delim: string): boolean {
  // DuckDB's trim() strips spaces only; in a space-delimited file a space ends the field instead.
  const isSpace = (ch: string | undefined): boolean => ch === ' ' && !delim.includes(' ');
  let i = start - 1;
  if (text[i] === '+' || text[i] === '-') i--;
  while (isSpace(text[i])) i--;
  const opens = i < 0 || isBreak(text[i]) || text.startsWith(delim, i - delim.length + 1);
  let j = end;
  while (isSpace(text[j])) j++;
  return opens && (j >= text.length || isBreak(text[j]) || text.startsWith(delim, j));
}

function countOf(text: string, ch: string): number {
  let n = 0;
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++;
  return n;
}

/**
 * Scans the first `lines` lines (`\n`-terminated, so at least that many rows) of a file for a field that
 * is a whole number of more than `digits` digits. Returns null when the bytes cannot stand for the rows:
 * a quote character (a quoted value may span lines or hold a delimiter), or more than MAX_SCAN_BYTES
 * before the lines end. Null or `longDigits` only mean "ask DuckDB"; a quote-free head without such a
 * field proves that no value in those rows has that many digits.
 */
export async function scanHead(abs: string, lines: number, digits: number, delim: string, quote: string): Promise<HeadFacts | null> {
  // Text is compared byte for byte below, which only holds for ASCII delimiters and quotes in every encoding.
  if (!/^[\x01-\x7f]+$/.test(delim) || !/^[\x01-\x7f]$/.test(quote)) return null;
  // Digit runs are rare and a plain regex finds them fast; each is then checked for being a whole field (not part of a hash or decimal).
  const longRun = new RegExp(`[0-9]{${digits + 1},}`, 'g');
  const hasLongField = (text: string): boolean => {
    longRun.lastIndex = 0;
    for (let m = longRun.exec(text); m; m = longRun.exec(text)) {
      if (isWholeField(text, m.index, m.index + m[0].length, delim)) return true;
    }
    return false;
  };
  const handle = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let carry = ''; // the unfinished last line of the previous chunk
    let lf = 0;
    let breaks = 0;
    let longDigits = false;
    const take = (text: string): void => {
      breaks += countOf(text, '\n') + countOf(text, '\r');
      if (!longDigits && hasLongField(text)) longDigits = true;
    };
    for (let offset = 0; offset < MAX_SCAN_BYTES; ) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, offset);
      if (bytesRead === 0) {
        take(carry);
        return { longDigits, complete: true, breaks };
      }
      offset += bytesRead;
      // latin1 maps each byte to one character: ASCII digits, delimiters and line breaks keep their positions in UTF-8 too.
      const text = carry + buf.toString('latin1', 0, bytesRead);
      if (text.includes(quote)) return null;
      let end = -1;
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) {
        end = i;
        if (++lf >= lines) {
          take(text.slice(0, end + 1));
          return { longDigits, complete: false, breaks };
        }
      }
      take(text.slice(0, end + 1));
      carry = text.slice(end + 1);
    }
    return null;
  } finally {
    await handle.close();
  }
}
