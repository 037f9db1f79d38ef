import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scanHead } from '../../src/sources/connectors/csv-head-scan';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-head-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = (content: string | Buffer): string => {
  const p = path.join(dir, `f${n++}.csv`);
  fs.writeFileSync(p, content);
  return p;
};

describe('scanHead', () => {
  it('finds a run of more digits than asked for, and counts line breaks (CRLF twice) to the end', async () => {
    expect(await scanHead(file('id,v\n1,12345678901234567890\n2,3\n'), 100, 18, '"')).toEqual({ longDigits: true, complete: true, breaks: 3 });
    expect(await scanHead(file('id,v\r\n1,123456789012345678\r\n2,1.5'), 100, 18, '"')).toEqual({ longDigits: false, complete: true, breaks: 4 });
    // Digits split by a non-digit are two runs.
    expect((await scanHead(file('v\n123456789.0123456789\n'), 100, 18, '"'))!.longDigits).toBe(false);
  });

  it('stops after the given number of lines, so a long number further down is not seen', async () => {
    const rows = Array.from({ length: 50 }, (_, i) => `${i},1`);
    const facts = await scanHead(file(['id,v', ...rows, '99,12345678901234567890123'].join('\n')), 20, 18, '"');
    expect(facts).toEqual({ longDigits: false, complete: false, breaks: 20 });
  });

  it('sees a digit run that crosses a read chunk', async () => {
    const pad = 'x'.repeat(256 * 1024 - 10);
    expect((await scanHead(file(`v\n${pad}\n12345678901234567890\n`), 100, 18, '"'))!.longDigits).toBe(true);
  });

  it('proves nothing (null) for a file with the quote character or a head longer than 8 MiB', async () => {
    expect(await scanHead(file('id,v\n1,"a\nb"\n'), 100, 18, '"')).toBeNull();
    expect(await scanHead(file("id,v\n1,'a'\n"), 100, 18, "'")).toBeNull();
    expect(await scanHead(file(Buffer.alloc(9 * 1024 * 1024, 'a')), 100, 18, '"')).toBeNull();
  });

  it('reads an empty file as complete with no breaks', async () => {
    expect(await scanHead(file(''), 10, 18, '"')).toEqual({ longDigits: false, complete: true, breaks: 0 });
  });
});
