/**
 * Many small files (issue 15 item 4): `platform.sync()` of 1,000 CSV files of 1,000 rows against the
 * sync of one file holding the same 1M rows, in interleaved rounds (the order alternates); plus the
 * listing of the 1,000 files alone (`scanFiles`). Ratios printed, never asserted.
 *
 * `BENCH_ROUNDS` (default 3), `BENCH_FILES` (1000) and `BENCH_FILE_ROWS` (1000) override the sizes.
 */
import fs from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { scanFiles } from '../packages/core/src/sources/file-source';
import { ensureCsv, sqlString } from './lib/csv-data';
import { csvSource, fmt, interleave, median, timeFreshSync } from './lib/db-bench';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const FILE_ROWS = Number(process.env.BENCH_FILE_ROWS ?? 1000);
const ROWS = FILES * FILE_ROWS;
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data', `files-${FILES}x${FILE_ROWS}`);

/** The one big file, and the same rows split into FILES files (written once, reused across runs). */
async function ensureData(): Promise<{ one: string; many: string }> {
  const one = path.join(DATA, 'one');
  const many = path.join(DATA, 'many');
  await ensureCsv(path.join(one, 'all.csv'), ROWS);
  if (!fs.existsSync(path.join(many, 'done'))) {
    fs.mkdirSync(many, { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const conn = await instance.connect();
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv(${sqlString(path.join(one, 'all.csv'))})`);
    for (let i = 0; i < FILES; i++) {
      const file = path.join(many, `part-${String(i).padStart(5, '0')}.csv`);
      await conn.run(`COPY (SELECT * FROM t WHERE id > ${i * FILE_ROWS} AND id <= ${(i + 1) * FILE_ROWS} ORDER BY id) TO ${sqlString(file)} (HEADER, DELIMITER ',')`);
    }
    conn.closeSync();
    instance.closeSync();
    fs.writeFileSync(path.join(many, 'done'), '');
  }
  return { one, many };
}

const { one, many } = await ensureData();
console.log(`Many small files: ${FILES} files x ${FILE_ROWS} rows vs one file of ${ROWS} rows, ${ROUNDS} interleaved rounds`);
// The listing, against the way it was done before (readdir, then one awaited stat per entry), interleaved.
const listing: number[] = [];
const sequential: number[] = [];
for (let r = 0; r < 7; r++) {
  let t0 = performance.now();
  const files = await scanFiles({ directory: many, configuredDirectory: many, pattern: '*.csv' });
  listing.push(performance.now() - t0);
  if (files.length !== FILES) throw new Error(`listed ${files.length} files`);
  t0 = performance.now();
  for (const entry of await readdir(many, { withFileTypes: true })) await stat(path.join(many, entry.name));
  sequential.push(performance.now() - t0);
}
console.log(`  listing ${FILES} files: scanFiles median ${median(listing).toFixed(1)} ms, best ${Math.min(...listing).toFixed(1)} ms; sequential stat median ${median(sequential).toFixed(1)} ms, best ${Math.min(...sequential).toFixed(1)} ms`);

const times = { one: [] as number[], many: [] as number[], oneCpu: [] as number[], manyCpu: [] as number[] };
let round = 0;
const sides = (['many', 'one'] as const).map((side) => async () => {
  // Wall and process CPU of `platform.sync()` of the folder into a fresh project (open/close not timed).
  const t = await timeFreshSync(csvSource(side === 'one' ? one : many), ROWS, 'files');
  times[side].push(t.ms);
  times[side === 'one' ? 'oneCpu' : 'manyCpu'].push(t.cpuMs);
  console.log(`  round ${round + 1} ${side === 'one' ? 'one file  ' : `${FILES} files`}: ${fmt(t.ms)} wall, ${fmt(t.cpuMs)} CPU`);
});
await interleave(ROUNDS, sides, () => void round++);
console.log(`  one file of ${ROWS} rows: median ${fmt(median(times.one))} (CPU ${fmt(median(times.oneCpu))})`);
console.log(`  ${FILES} files of ${FILE_ROWS} rows: median ${fmt(median(times.many))} (CPU ${fmt(median(times.manyCpu))})`);
console.log(`  ratio many / one: median ${(median(times.many) / median(times.one)).toFixed(2)}x, best round ${(Math.min(...times.many) / Math.min(...times.one)).toFixed(2)}x, CPU ${(median(times.manyCpu) / median(times.oneCpu)).toFixed(2)}x (target <= 2x)`);
