import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { headFitsDelimiter, scanHead } from '../../src/sources/connectors/csv-head-scan';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-head-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer): string => {
  const p = path.join(dir, `f${n++}.csv`);
  fs.writeFileSync(p, content);
  return p;
};
const scan = (content: string | Buffer, lines = 100) => scanHead(file(content), lines, 18, '"');

describe('scanHead', () => {
  it('finds a field that is a whole number of more digits than asked for, wherever it sits in the line', async () => {
    for (const line of ['1,12345678901234567890', '12345678901234567890,1', '1, -12345678901234567890 ,2', '1,+0012345678901234567\r']) {
      expect((await scan(`id,v\n${line}\n2,3\n`))!.longDigits, line).toBe(true);
    }
    for (const delim of [';', '\t', ' ', '|', '§', '::']) {
      expect((await scan(`id${delim}v\n1${delim}12345678901234567890\n`))!.longDigits, delim).toBe(true);
    }
  });

  it('ignores long digit runs inside other text (hashes, decimals, codes) and numbers of up to `digits` digits', async () => {
    const text = 'id,hash,amount,code\n1,c4ca4238a0b923820dcc5096412345678901234567,123456789.0123456789,X12345678901234567890\n2,3,123456789012345678,4\n';
    expect(await scan(text)).toEqual({ longDigits: false, complete: true, records: 3 });
  });

  it('counts records (non-empty lines; CRLF, CR and LF each end one) to the end, and stops after the given number', async () => {
    expect(await scan('id,v\r\n1,2\r\n2,1.5')).toEqual({ longDigits: false, complete: true, records: 3 });
    expect(await scan('id,v\r1,2\r2,3\r')).toEqual({ longDigits: false, complete: true, records: 3 });
    expect(await scan('id,v\n\n1,2\r\n\r\n2,3\n\n')).toEqual({ longDigits: false, complete: true, records: 3 });
    const rows = Array.from({ length: 50 }, (_, i) => `${i},1`);
    expect(await scan(['id,v', ...rows, '99,12345678901234567890123'].join('\n'), 20)).toEqual({ longDigits: false, complete: false, records: 20 });
    expect(await scan('', 10)).toEqual({ longDigits: false, complete: true, records: 0 });
  });

  it('counts a CRLF split across two read chunks once', async () => {
    const first = `v,w\n${'x'.repeat(1024 * 1024 - 7)},1\r`; // exactly one chunk, ending in the CR
    expect(Buffer.byteLength(first)).toBe(1024 * 1024);
    expect(await scan(`${first}\n2,3\r\n`)).toEqual({ longDigits: false, complete: true, records: 3 });
  });

  it('applies to delimiters that could border a number: not letters, digits, dots or non-ASCII', () => {
    expect([',', ';', '\t', ' ', '|', '::', '~'].filter(headFitsDelimiter)).toHaveLength(7);
    expect(['x', '0', '.', '§'].filter(headFitsDelimiter)).toEqual([]);
  });

  it('sees a field in a line that crosses a read chunk', async () => {
    const pad = 'x'.repeat(1024 * 1024 - 10);
    expect((await scan(`v,w\n${pad},12345678901234567890\n`))!.longDigits).toBe(true);
    expect((await scan(`v,w\n${pad},12345678901234567890`))!.longDigits).toBe(true);
  });

  it('proves nothing (null) with a quote character, a non-ASCII quote, or a head longer than 8 MiB', async () => {
    expect(await scan('id,v\n1,"a\nb"\n')).toBeNull();
    expect(await scanHead(file('a\n'), 10, 18, '§')).toBeNull();
    expect(await scan(Buffer.alloc(9 * 1024 * 1024, 'a'))).toBeNull();
  });
});
