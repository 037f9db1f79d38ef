import { describe, expect, it } from 'vitest';
import { CsvChunks } from '../../src/sources/rows/csv-chunks';
import { csvField } from '../../src/sources/rows/staging';

const text = (chunks: CsvChunks) => Buffer.concat(chunks.take()).toString('utf8');

describe('CsvChunks', () => {
  it('writes what csvField writes, for every kind of value, padded to the width', () => {
    const values = ['plain', 'with "quotes", commas', '', 'line\nbreak', 'ünïcødé 😀', 42, -1.5, 1e21, true, false, null, undefined, 12345678901234567890n,
      new Uint8Array([0, 255, 16]), new Date('2024-01-02T03:04:05.678Z'), { a: [1, 'x"y'] }, ['l', 2]];
    const chunks = new CsvChunks();
    chunks.row(values, values.length + 2, csvField);
    chunks.row([], 3, csvField);
    expect(text(chunks)).toBe(`${values.map(csvField).join(',')},,\n,,\n`);
  });

  it('spills into new chunks for many rows and for one row larger than a chunk', () => {
    const chunks = new CsvChunks();
    const big = 'x'.repeat(3 << 20);
    for (let i = 0; i < 50_000; i++) chunks.row([i, `row ${i}`], 2, csvField);
    chunks.row([big], 1, csvField);
    const out = text(chunks);
    expect(out.split('\n')).toHaveLength(50_002);
    expect(out.endsWith(`"${big}"\n`)).toBe(true);
    expect(out.startsWith('0,"row 0"\n1,"row 1"\n')).toBe(true);
  });
});
