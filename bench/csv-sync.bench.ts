import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DangoPlatform, initProject } from '@dango/core';
import { ensureCsv, sqlString } from './lib/csv-data';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const PARTS = 20;
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** On a shared machine the fastest round is the one least disturbed by other work: print both. */
const ratios = (a: number[], b: number[]): string => `median ratio ${(median(a) / median(b)).toFixed(3)}, best-round ratio ${(Math.min(...a) / Math.min(...b)).toFixed(3)}`;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** Wall and process CPU time (user + system of every thread, DuckDB's included) of one measured step. */
interface Timing {
  ms: number;
  cpuMs: number;
}

/**
 * Times `job`. CPU time is reported next to wall time because other work on a shared machine
 * stretches wall time but barely the CPU this process itself spends.
 */
async function timed(job: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await job();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** A fresh file-backed project whose one CSV source reads `directory`; auto_dbt off so only the sync is timed. */
async function freshProject(directory: string): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-csv-'));
  await initProject(dir, { name: 'bench-csv' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace('auto_dbt: true', 'auto_dbt: false'));
  fs.writeFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    `sources:\n  - name: bench\n    type: csv\n    enabled: true\n    csv:\n      directory: ${JSON.stringify(directory)}\n      file_pattern: "*.csv"\n`,
  );
  return dir;
}

/** A: `platform.sync()` of the file into a fresh project (open and close not timed). */
async function timeSync(directory: string): Promise<Timing> {
  const dir = await freshProject(directory);
  const platform = await DangoPlatform.open({ projectDir: dir });
  try {
    let result: Awaited<ReturnType<DangoPlatform['sync']>> | undefined;
    const timing = await timed(async () => {
      result = await platform.sync('bench');
    });
    if (result?.status !== 'success' || result.rows_processed !== ROWS) throw new Error(`bench sync failed: ${JSON.stringify(result)}`);
    return timing;
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * B: bare `CREATE TABLE AS SELECT * FROM read_csv(...)` into a fresh file database; with `lineage`,
 * the same statement also writing the two lineage columns every Dango row carries (a reference that
 * shows what those columns cost on their own).
 */
async function timeBare(file: string, lineage = false): Promise<Timing> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-bare-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'bare.duckdb'));
  const conn = await instance.connect();
  try {
    const extra = lineage ? ', 1::INTEGER AS _dango_file_id, now() AS _dango_loaded_at' : '';
    return await timed(async () => {
      await conn.run(`CREATE TABLE t AS SELECT *${extra} FROM read_csv(${sqlString(file)})`);
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function fullVsBare(): Promise<void> {
  // Another BENCH_ROWS (e.g. 10000000 for the 10M-row case) gets its own folder: the source reads the whole folder.
  const single = path.join(DATA, ROWS === 1_000_000 ? 'single' : `single_${ROWS}`);
  const file = await ensureCsv(path.join(single, ROWS === 1_000_000 ? 'sales_1m.csv' : `sales_${ROWS}.csv`), ROWS);
  console.log(`Case 1: ${ROWS.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${ROUNDS} interleaved rounds`);
  await timeBare(file); // warm the page cache so neither side pays for the first disk read
  const a: Timing[] = [];
  const b: Timing[] = [];
  const c: Timing[] = [];
  const show = (t: Timing): string => `${fmt(t.ms)} (CPU ${fmt(t.cpuMs)})`;
  const sides = [async () => a.push(await timeSync(single)), async () => b.push(await timeBare(file)), async () => c.push(await timeBare(file, true))];
  for (let i = 0; i < ROUNDS; i++) {
    // Each round starts with a different side, so none always runs right after the same neighbour.
    for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]!();
    console.log(`  round ${i + 1}: platform.sync ${show(a.at(-1)!)}  bare CTAS ${show(b.at(-1)!)}  bare CTAS + lineage columns ${show(c.at(-1)!)}`);
  }
  const wall = (ts: Timing[]): number[] => ts.map((t) => t.ms);
  const cpu = (ts: Timing[]): number[] => ts.map((t) => t.cpuMs);
  console.log(`  platform.sync / bare CTAS: ${ratios(wall(a), wall(b))} (target <= 1.15); CPU time: ${ratios(cpu(a), cpu(b))}`);
  console.log(`  platform.sync / bare CTAS + lineage columns: ${ratios(wall(a), wall(c))}; CPU time: ${ratios(cpu(a), cpu(c))}`);
  console.log(`  bare CTAS + lineage columns / bare CTAS: ${ratios(wall(c), wall(b))}; CPU time: ${ratios(cpu(c), cpu(b))}`);
}

async function incrementalVsFull(): Promise<void> {
  const partsDir = path.join(DATA, 'parts');
  const per = Math.floor(ROWS / PARTS);
  for (let k = 0; k < PARTS; k++) await ensureCsv(path.join(partsDir, `part_${String(k).padStart(2, '0')}.csv`), per, { firstId: 1 + k * per });
  const variants = [0, 1].map((salt) => ensureCsv(path.join(DATA, `variant_${salt}.csv`), per, { firstId: 1, salt: salt + 1 }));
  const changed = path.join(partsDir, 'part_00.csv');
  const original = path.join(DATA, 'part_00.original.csv');
  if (!fs.existsSync(original)) fs.copyFileSync(changed, original);

  console.log(`Case 2: ${PARTS} files of ${per.toLocaleString('en-US')} rows, 1 changed per round, ${ROUNDS} interleaved rounds`);
  const dir = await freshProject(partsDir);
  const platform = await DangoPlatform.open({ projectDir: dir });
  const inc: number[] = [];
  const full: number[] = [];
  try {
    await platform.sync('bench');
    for (let i = 0; i < ROUNDS; i++) {
      fs.copyFileSync(await variants[i % 2]!, changed);
      const t0 = performance.now();
      const r1 = await platform.sync('bench');
      inc.push(performance.now() - t0);
      const t1 = performance.now();
      const r2 = await platform.sync('bench', { fullRefresh: true });
      full.push(performance.now() - t1);
      if (r1.status !== 'success' || r1.files?.loaded.length !== 1 || r2.status !== 'success') throw new Error(`bench sync failed: ${JSON.stringify([r1, r2])}`);
      console.log(`  round ${i + 1}: incremental ${fmt(inc.at(-1)!)} (${r1.rows_processed} rows)  full refresh ${fmt(full.at(-1)!)} (${r2.rows_processed} rows)`);
    }
  } finally {
    await platform.close();
    fs.copyFileSync(original, changed);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(`  incremental / full refresh: ${ratios(inc, full)} (changed data = ${(1 / PARTS).toFixed(3)} of the total)`);
}

/**
 * `--large`: a CSV about 4x DuckDB's memory limit, synced with that limit; prints the process's peak
 * RSS. Runs alone in its own process so the peak is this sync's own.
 */
async function largerThanMemory(): Promise<void> {
  const limitMb = Number(process.env.BENCH_MEMORY_LIMIT_MB ?? 128);
  const rows = Number(process.env.BENCH_LARGE_ROWS ?? 6_600_000);
  const largeDir = path.join(DATA, 'large');
  const file = await ensureCsv(path.join(largeDir, 'sales_large.csv'), rows);
  const mb = fs.statSync(file).size / 1e6;
  const dir = await freshProject(largeDir);
  const platform = await DangoPlatform.open({ projectDir: dir, memoryLimit: `${limitMb}MB` });
  try {
    const t0 = performance.now();
    const result = await platform.sync('bench');
    const ms = performance.now() - t0;
    const rss = process.resourceUsage().maxRSS / 1024;
    console.log(`Case 3: ${rows.toLocaleString('en-US')} rows, ${mb.toFixed(0)} MB CSV (${(mb / limitMb).toFixed(1)}x) with memory_limit ${limitMb}MB`);
    console.log(`  ${result.status}: ${result.rows_processed.toLocaleString('en-US')} rows in ${fmt(ms)}; peak RSS of the process ${rss.toFixed(0)} MB${result.error_message ? ` (${result.error_message})` : ''}`);
  } finally {
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--large')) {
  await largerThanMemory();
} else {
  await fullVsBare();
  // `--single`: case 1 only (e.g. BENCH_ROWS=10000000 npm run bench:csv -- --single).
  if (!process.argv.includes('--single')) await incrementalVsFull();
}
