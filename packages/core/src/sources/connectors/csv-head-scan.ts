import { open } from 'node:fs/promises';

/** What a byte scan of a file's first lines proves, without parsing it as CSV. */
export interface HeadFacts {
  /** True when a run of more than `digits` ASCII digits occurs in the scanned lines. */
  longDigits: boolean;
  /** True when the scan reached the end of the file. */
  complete: boolean;
  /** Line breaks seen (`\n` and `\r` both counted, so CRLF counts twice): never fewer than the file's rows. */
  breaks: number;
}

const CHUNK = 256 * 1024;
/** Beyond this the scan gives up: a sample spread over more bytes is left to DuckDB. */
const MAX_SCAN_BYTES = 8 * 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;
const isDigit = (b: number): boolean => b >= 0x30 && b <= 0x39;

/**
 * Scans the first `lines` lines (`\n`-terminated, so at least that many rows) of a file for a run of more
 * than `digits` digits. Returns null when the bytes cannot stand for the rows: a quote character (a quoted
 * value may span lines or hold anything), or more than MAX_SCAN_BYTES before the lines end. A null or a long
 * run only means "ask DuckDB"; no long run in a quote-free head proves no value there has that many digits.
 */
export async function scanHead(abs: string, lines: number, digits: number, quote: string): Promise<HeadFacts | null> {
  const quoteByte = Buffer.from(quote)[0]!;
  const handle = await open(abs, 'r');
  try {
    const buf = Buffer.alloc(CHUNK);
    let run = 0;
    let longDigits = false;
    let lf = 0;
    let breaks = 0;
    for (let offset = 0; offset < MAX_SCAN_BYTES; ) {
      const { bytesRead } = await handle.read(buf, 0, CHUNK, offset);
      if (bytesRead === 0) return { longDigits, complete: true, breaks };
      offset += bytesRead;
      for (let i = 0; i < bytesRead; i++) {
        const b = buf[i]!;
        if (isDigit(b)) {
          if (++run > digits) longDigits = true;
          continue;
        }
        run = 0;
        if (b === quoteByte) return null;
        if (b === CR) breaks++;
        else if (b === LF) {
          breaks++;
          if (++lf >= lines) return { longDigits, complete: false, breaks };
        }
      }
    }
    return null;
  } finally {
    await handle.close();
  }
}
