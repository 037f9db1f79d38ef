import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { DangoPlatform, initProject } from '@dango/core';
import { sqlString } from './lib/csv-data';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data', 'json');

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
/** On a shared machine the fastest round is the one least disturbed by other work: print both. */
const ratios = (a: number[], b: number[]): string => `median ratio ${(median(a) / median(b)).toFixed(3)}, best-round ratio ${(Math.min(...a) / Math.min(...b)).toFixed(3)}`;
const fmt = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/** Wall and process CPU time (every thread, DuckDB's included) of one measured step. */
interface Timing {
  ms: number;
  cpuMs: number;
}

async function timed(job: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await job();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/**
 * The same rows as NDJSON and Parquet (written once by DuckDB, reused while the row count holds): ten
 * flat columns of the usual kinds, as an app's event export looks.
 */
async function ensureFiles(): Promise<{ ndjson: string; parquet: string }> {
  const ndjson = path.join(DATA, 'ndjson', `events_${ROWS}.jsonl`);
  const parquet = path.join(DATA, 'parquet', `events_${ROWS}.parquet`);
  if (fs.existsSync(ndjson) && fs.existsSync(parquet)) return { ndjson, parquet };
  for (const dir of [path.dirname(ndjson), path.dirname(parquet)]) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
  }
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  const select = `SELECT range AS id, TIMESTAMP '2024-01-01' + INTERVAL (range) SECOND AS occurred_at,
      ['page_view', 'click', 'add_to_cart', 'purchase'][range % 4 + 1] AS event, (range * 7919) % 50000 AS customer_id,
      round((range % 10000) / 100.0, 2)::DOUBLE AS amount, ['DE', 'FR', 'GB', 'US', 'JP'][range % 5 + 1] AS country,
      range % 3 = 0 AS is_mobile, 'session-' || (range // 20) AS session, '/shop/item/' || (range % 997) AS path, (range % 120) AS duration_s
    FROM range(${ROWS})`;
  await conn.run(`COPY (${select}) TO ${sqlString(ndjson)} (FORMAT json)`);
  await conn.run(`COPY (${select}) TO ${sqlString(parquet)} (FORMAT parquet)`);
  conn.closeSync();
  instance.closeSync();
  return { ndjson, parquet };
}

/** A: `platform.sync()` of the directory's one file into a fresh project (open and close not timed). */
async function timeSync(directory: string): Promise<Timing> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-json-'));
  await initProject(dir, { name: 'bench-json' });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace('auto_dbt: true', 'auto_dbt: false'));
  fs.writeFileSync(
    path.join(dir, '.dango', 'sources.yml'),
    `sources:\n  - name: bench\n    type: local_files\n    enabled: true\n    local_files:\n      directory: ${JSON.stringify(directory)}\n`,
  );
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

/** B: bare `CREATE TABLE AS SELECT * FROM <reader>(file)` into a fresh file database. */
async function timeBare(reader: 'read_json' | 'read_parquet', file: string): Promise<Timing> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-bare-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'bare.duckdb'));
  const conn = await instance.connect();
  try {
    return await timed(async () => {
      await conn.run(`CREATE TABLE t AS SELECT * FROM ${reader}(${sqlString(file)})`);
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function compare(label: string, reader: 'read_json' | 'read_parquet', file: string): Promise<void> {
  console.log(`${label}: ${ROWS.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${ROUNDS} interleaved rounds`);
  await timeBare(reader, file); // warm the page cache so neither side pays for the first disk read
  const a: Timing[] = [];
  const b: Timing[] = [];
  const show = (t: Timing): string => `${fmt(t.ms)} (CPU ${fmt(t.cpuMs)})`;
  for (let i = 0; i < ROUNDS; i++) {
    // Alternate which side goes first, so neither always runs right after the other.
    const sides = [async () => a.push(await timeSync(path.dirname(file))), async () => b.push(await timeBare(reader, file))];
    if (i % 2) sides.reverse();
    for (const side of sides) await side();
    console.log(`  round ${i + 1}: platform.sync ${show(a.at(-1)!)}  bare CTAS ${show(b.at(-1)!)}`);
  }
  const wall = (ts: Timing[]): number[] => ts.map((t) => t.ms);
  const cpu = (ts: Timing[]): number[] => ts.map((t) => t.cpuMs);
  console.log(`  platform.sync / bare CTAS ${reader}: ${ratios(wall(a), wall(b))} (target <= 1.15); CPU time: ${ratios(cpu(a), cpu(b))}`);
}

const { ndjson, parquet } = await ensureFiles();
await compare('NDJSON', 'read_json', ndjson);
await compare('Parquet', 'read_parquet', parquet);
