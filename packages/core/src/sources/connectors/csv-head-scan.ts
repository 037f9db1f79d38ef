import { open } from 'node:fs/promises';

/** What a byte scan of a file's first lines proves, without parsing it as CSV. */
export interface HeadFacts {
  /** True when the scanned lines hold a run of more than `digits` digits standing alone (not inside a word, hash or decimal). */
  longDigits: boolean;
  /** True when the scan reached the end of the file. */
  complete: boolean;
  /**
   * Non-empty lines seen (CRLF, CR and LF each end one line; a last line without a break counts). With no
   * quote character in them these are the file's records, header included: DuckDB skips the empty lines
   * of a file of several columns, so they are not counted.
   */
  records: number;
}

const CHUNK = 1024 * 1024;
/** Beyond this the scan gives up: a sample spread over more bytes is left to DuckDB. */
const MAX_SCAN_BYTES = 8 * 1024 * 1024;

/** Characters that cannot border a number standing as a field of its own (a hash, a code, a decimal): anything else may be a delimiter. */
const WORD = '0-9A-Za-z.';

/**
 * Scans the first `lines` records (non-empty lines) of a file for a number of more than `digits` digits
 * standing alone. It needs no delimiter (so it can run while the dialect is being sniffed): any character
 * but a letter, digit or `.` may border a field, so every whole-number field is seen, and the caller
 * discards the facts if the delimiter turns out to be such a character. Returns null when the bytes cannot
 * stand for the rows: a quote character (a quoted value may span lines), or more than MAX_SCAN_BYTES before
 * the lines end. Null or `longDigits` only mean "ask DuckDB".
 */
export async function scanHead(abs: string, lines: number, digits: number, quote: string): Promise<HeadFacts | null> {
  // Bytes are compared as characters below, which only holds for an ASCII quote in every encoding.
  if (!/^[\x01-\x7f]$/.test(quote)) return null;
  const longRun = new RegExp(`(?<![${WORD}])[0-9]{${digits + 1},}(?![${WORD}])`);
  const handle = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let carry = ''; // the unfinished last line of the previous chunk
    let records = 0;
    let longDigits = false;
    const take = (text: string): void => {
      if (!longDigits && longRun.test(text)) longDigits = true;
    };
    for (let offset = 0; offset < MAX_SCAN_BYTES; ) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, offset);
      if (bytesRead === 0) {
        take(carry);
        if (carry.length > 0) records++;
        return { longDigits, complete: true, records };
      }
      offset += bytesRead;
      // latin1 maps each byte to one character; ASCII digits, letters and line breaks read the same in UTF-8 and latin-1.
      const text = carry + buf.toString('latin1', 0, bytesRead);
      if (text.includes(quote)) return null;
      const breaks = /\r\n|\r|\n/g;
      let start = 0;
      for (let m = breaks.exec(text); m; m = breaks.exec(text)) {
        // Empty lines are not records, so a CRLF split across two chunks (a CR, then an empty line) counts once.
        if (m.index > start) records++;
        start = m.index + m[0].length;
        if (records >= lines) {
          take(text.slice(0, start));
          return { longDigits, complete: false, records };
        }
      }
      take(text.slice(0, start));
      carry = text.slice(start);
    }
    return null;
  } finally {
    await handle.close();
  }
}

/** True when the facts of `scanHead` hold for a file read with this delimiter (one that could not border a number would hide fields). */
export function headFitsDelimiter(delim: string): boolean {
  return !new RegExp(`[${WORD}]|[^\\x01-\\x7f]`).test(delim);
}
