import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceConfig } from '../../src/config';
import { csvReadOptions, describeCsv, type CsvReadOptions } from '../../src/sources/connectors/csv-read';
import type { Reader } from '../../src/sources/file-tracking';
import { createProject, type TestProject } from './helpers';

/**
 * Two CSV paths, one truth (issue 10, item 18): the byte head scan (csv-head-scan.ts) is a shortcut
 * for questions DuckDB's own read of the sniffer sample answers, so over a corpus of files (quoting,
 * encodings, delimiters, long numbers, line endings, BOMs) both must decide the same, at every sample
 * size around the files' row counts.
 */
const CORPUS = path.join(__dirname, 'fixtures', 'csv-corpus');
const manifest = JSON.parse(fs.readFileSync(path.join(CORPUS, 'corpus.json'), 'utf8')) as { options: Record<string, Record<string, unknown>> };
const files = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.csv')).sort();

let project: TestProject;
let read: Reader;
beforeAll(async () => {
  project = await createProject();
  const platform = await project.open();
  read = platform.warehouse.query.bind(platform.warehouse) as Reader;
});
afterAll(async () => {
  await project?.close();
});

function options(file: string, sampleSize: number | undefined): CsvReadOptions {
  const csv = { directory: CORPUS, file_pattern: '*.csv', ...manifest.options[file], ...(sampleSize ? { sample_size: sampleSize } : {}) };
  return csvReadOptions({ name: 'corpus', type: 'csv', enabled: true, csv } as unknown as SourceConfig);
}

describe('the head scan and the DuckDB sample read decide the same', () => {
  it('has a corpus of every shape', () => {
    expect(files.length).toBeGreaterThanOrEqual(25);
  });

  for (const file of files) {
    it(file, async () => {
      const abs = path.join(CORPUS, file);
      const size = fs.statSync(abs).size;
      for (const sampleSize of [1, 2, 3, 4, 5, 6, 7, undefined]) {
        const opts = options(file, sampleSize);
        const withScan = await describeCsv(read, file, abs, size, { ...opts, headScan: true });
        const withoutScan = await describeCsv(read, file, abs, size, { ...opts, headScan: false });
        expect(withScan, `${file}, sample_size ${sampleSize ?? 'default'}`).toEqual(withoutScan);
      }
    });
  }
});

describe('at the default sample size (20,480 rows)', () => {
  // Files one row either side of the sample, with each line ending and blank lines: where a count of line breaks would be off.
  for (const [label, eol, blank] of [['LF', '\n', false], ['CRLF', '\r\n', false], ['CR', '\r', false], ['LF with blank lines', '\n', true]] as const) {
    it(`${label}: 20,479 to 20,481 data rows`, async () => {
      for (const n of [20479, 20480, 20481]) {
        const lines = ['id,qty', ...Array.from({ length: n }, (_, i) => `${i},${i % 7}${blank && i % 1000 === 0 ? eol : ''}`)];
        const abs = path.join(project.dir, `gen-${n}.csv`);
        fs.writeFileSync(abs, lines.join(eol) + eol);
        const size = fs.statSync(abs).size;
        const opts = options('gen.csv', undefined);
        const withScan = await describeCsv(read, 'gen.csv', abs, size, { ...opts, headScan: true });
        const withoutScan = await describeCsv(read, 'gen.csv', abs, size, { ...opts, headScan: false });
        expect(withScan, `${label}, ${n} rows`).toEqual(withoutScan);
        expect(withScan.dialect.beyondSample, `${label}, ${n} rows`).toBe(n >= 20480);
      }
    });
  }
});

describe('the switch', () => {
  it('DANGO_CSV_HEAD_SCAN=off turns the shortcut off; it is on by default', () => {
    const before = process.env.DANGO_CSV_HEAD_SCAN;
    try {
      delete process.env.DANGO_CSV_HEAD_SCAN;
      expect(options('plain-lf.csv', undefined).headScan).toBe(true);
      process.env.DANGO_CSV_HEAD_SCAN = 'off';
      expect(options('plain-lf.csv', undefined).headScan).toBe(false);
    } finally {
      if (before === undefined) delete process.env.DANGO_CSV_HEAD_SCAN;
      else process.env.DANGO_CSV_HEAD_SCAN = before;
    }
  });
});
