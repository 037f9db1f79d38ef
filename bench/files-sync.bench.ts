/**
 * Many small files (issue 15 item 4): `platform.sync()` of 1,000 CSV files of 1,000 rows against the
 * sync of one file holding the same 1M rows, in interleaved rounds (the order alternates); plus the
 * listing of the 1,000 files alone (`scanFiles`). Ratios printed, never asserted.
 *
 * `BENCH_ROUNDS` (default 3), `BENCH_FILES` (1000) and `BENCH_FILE_ROWS` (1000) override the sizes.
 */
import fs from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DangoPlatform, initProject } from '@dango/core';
import { scanFiles } from '../packages/core/src/sources/file-source';
import { ensureCsv, sqlString } from './lib/csv-data';

const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const FILES = Number(process.env.BENCH_FILES ?? 1000);
const FILE_ROWS = Number(process.env.BENCH_FILE_ROWS ?? 1000);
const ROWS = FILES * FILE_ROWS;
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data', `files-${FILES}x${FILE_ROWS}`);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

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

/** A fresh project whose one CSV source reads `directory` (auto_dbt off so only the sync is timed). */
async function freshProject(directory: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-files-'));
  await initProject(dir, { name: 'bench-files' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace('auto_dbt: true', 'auto_dbt: false'));
  fs.writeFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    `sources:\n  - name: bench\n    type: csv\n    enabled: true\n    csv:\n      directory: ${JSON.stringify(directory)}\n      file_pattern: "*.csv"\n`,
  );
  return dir;
}

/** Wall and process CPU milliseconds of `platform.sync()` of `directory` into a fresh project (open/close not timed). */
async function timeSync(directory: string): Promise<{ ms: number; cpuMs: number }> {
  const dir = await freshProject(directory);
  const platform = await DangoPlatform.open({ projectDir: dir });
  try {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const result = await platform.sync('bench');
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    if (result.status !== 'success' || result.rows_processed !== ROWS) throw new Error(`bench sync failed: ${JSON.stringify(result)}`);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
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
for (let r = 0; r < ROUNDS; r++) {
  for (const side of r % 2 === 0 ? (['many', 'one'] as const) : (['one', 'many'] as const)) {
    const t = await timeSync(side === 'one' ? one : many);
    times[side].push(t.ms);
    times[side === 'one' ? 'oneCpu' : 'manyCpu'].push(t.cpuMs);
    console.log(`  round ${r + 1} ${side === 'one' ? 'one file  ' : `${FILES} files`}: ${fmt(t.ms)} wall, ${fmt(t.cpuMs)} CPU`);
  }
}
console.log(`  one file of ${ROWS} rows: median ${fmt(median(times.one))} (CPU ${fmt(median(times.oneCpu))})`);
console.log(`  ${FILES} files of ${FILE_ROWS} rows: median ${fmt(median(times.many))} (CPU ${fmt(median(times.manyCpu))})`);
console.log(`  ratio many / one: median ${(median(times.many) / median(times.one)).toFixed(2)}x, best round ${(Math.min(...times.many) / Math.min(...times.one)).toFixed(2)}x, CPU ${(median(times.manyCpu) / median(times.oneCpu)).toFixed(2)}x (target <= 2x)`);
