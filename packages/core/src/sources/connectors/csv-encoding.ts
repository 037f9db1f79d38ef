import { SourceFileError } from './connector';

/** Bytes the byte-order guess looks at: enough for a header and some rows. */
const SAMPLE_BYTES = 4096;

/**
 * The UTF-16 byte order of a file from the start of its bytes: its BOM when it has one, else where its
 * zero bytes fall (the delimiters, digits and line breaks of a CSV are ASCII, whose UTF-16 high byte is
 * zero: at odd offsets in little-endian, at even ones in big-endian). Null when it does not look UTF-16.
 */
export function utf16ByteOrder(head: Buffer): 'le' | 'be' | null {
  if (head[0] === 0xff && head[1] === 0xfe) return 'le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'be';
  const sample = head.subarray(0, SAMPLE_BYTES);
  let even = 0;
  let odd = 0;
  for (let i = 0; i < sample.length; i++) {
    if (sample[i] === 0) {
      if (i % 2 === 0) even++;
      else odd++;
    }
  }
  // A quarter of the bytes zero, nearly all on one side: other encodings have no zero bytes in text at all.
  if (even + odd < sample.length / 4) return null;
  if (odd > 9 * even) return 'le';
  if (even > 9 * odd) return 'be';
  return null;
}

/**
 * Why a file cannot be read with the configured encoding, judged from its first bytes before DuckDB reads
 * it (DuckDB would decode UTF-16 under `utf-8` as NUL-byte errors, and big-endian UTF-16, which it cannot
 * read, as garbage under `utf-16`); null when nothing speaks against it.
 */
export function encodingProblem(rel: string, head: Buffer, encoding: string): SourceFileError | null {
  const order = utf16ByteOrder(head);
  if (order === 'be') {
    return new SourceFileError(
      rel,
      `${rel} is UTF-16 big-endian; DuckDB reads only little-endian UTF-16: convert it first (iconv -f UTF-16BE -t UTF-8 in.csv > out.csv) and set csv.encoding: utf-8`,
    );
  }
  if (order === 'le' && encoding !== 'utf-16') {
    return new SourceFileError(rel, `${rel} is UTF-16 (little-endian), not ${encoding === 'latin-1' ? 'latin-1' : 'UTF-8'}: set csv.encoding: utf-16 in .dango/sources.yml`);
  }
  if (encoding === 'utf-16' && !head.includes(0)) {
    // UTF-16 text stores its delimiters and line breaks with a zero byte; DuckDB would decode any other file into garbage.
    return new SourceFileError(rel, `${rel} is not UTF-16 encoded (it has no zero bytes); fix csv.encoding in .dango/sources.yml`);
  }
  return null;
}
