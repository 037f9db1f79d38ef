import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { DangoPlatform, initProject } from '@dango/core';

/** Wall and process CPU time of one measured step. */
export interface Timing {
  ms: number;
  cpuMs: number;
}

/** Times `job` (wall and this process's CPU: other work on a shared machine stretches only the first). */
export async function timed(job: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await job();
  const cpu = process.cpuUsage(cpu0);
  return { ms: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000 };
}

/** The median of some numbers. */
export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median and best-round ratio of two series (the best round is the least disturbed on a shared machine). */
export const ratios = (a: number[], b: number[]): string =>
  `median ratio ${(median(a) / median(b)).toFixed(3)}, best-round ratio ${(Math.min(...a) / Math.min(...b)).toFixed(3)}`;

/** Seconds with three decimals. */
export const fmt = (ms: number): string => `${(ms / 1000).toFixed(3)} s`;

/**
 * A fresh project holding exactly `source` (a sources.yml entry), auto_dbt off so only the sync is timed;
 * `name` labels its temp folder.
 */
export async function freshProject(source: Record<string, unknown>, name = 'db'): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dango-bench-${name}-`));
  await initProject(dir, { name: `bench-${name}` });
  const projectFile = path.join(dir, '.dango', 'project.yml');
  fs.writeFileSync(projectFile, fs.readFileSync(projectFile, 'utf8').replace('auto_dbt: true', 'auto_dbt: false'));
  // JSON is YAML too.
  fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), JSON.stringify({ sources: [source] }));
  return dir;
}

/** An open platform on a fresh project; `close()` closes it and removes the folder. */
export async function openProject(
  source: Record<string, unknown>,
  options: { name?: string; memoryLimit?: string } = {},
): Promise<{ platform: DangoPlatform; close: () => Promise<void> }> {
  const dir = await freshProject(source, options.name);
  // BENCH_MEMORY_LIMIT_MB caps DuckDB's buffer pool, to tell its memory from the sync's own.
  const limit = process.env.BENCH_MEMORY_LIMIT_MB;
  const memoryLimit = options.memoryLimit ?? (limit ? `${limit}MB` : undefined);
  const platform = await DangoPlatform.open({ projectDir: dir, ...(memoryLimit ? { memoryLimit } : {}) });
  return {
    platform,
    close: async () => {
      await platform.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CSV source `bench` reading every `*.csv` of `directory`. */
export const csvSource = (directory: string): Record<string, unknown> => ({ name: 'bench', type: 'csv', enabled: true, csv: { directory, file_pattern: '*.csv' } });

/** Syncs and checks the row count; returns the timing. */
export async function timeSync(platform: DangoPlatform, source: string, rows: number | null, options: { fullRefresh?: boolean } = {}): Promise<Timing> {
  let result: Awaited<ReturnType<DangoPlatform['sync']>> | undefined;
  const timing = await timed(async () => {
    result = await platform.sync(source, options);
  });
  if (result?.status !== 'success' || (rows !== null && result.rows_processed !== rows)) throw new Error(`bench sync failed: ${JSON.stringify(result)}`);
  return timing;
}

/** Syncs `source` (named `bench`) into a fresh project, checking the row count; opening and closing are not timed. */
export async function timeFreshSync(source: Record<string, unknown>, rows: number | null, name?: string): Promise<Timing> {
  const p = await openProject(source, { name });
  try {
    return await timeSync(p.platform, 'bench', rows);
  } finally {
    await p.close();
  }
}

/** Times `job` on a fresh file database (created and removed untimed): the bare statement a sync is compared with. */
export async function timeBare(job: (conn: DuckDBConnection, dir: string) => Promise<void>): Promise<Timing> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-bare-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'bare.duckdb'));
  const conn = await instance.connect();
  try {
    return await timed(() => job(conn, dir));
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The physical limit's second half: `CREATE TABLE AS SELECT * FROM read_csv(file, options)` into a fresh
 * file database. `dump` (the database's own export into `file`) is timed with it.
 */
export function timeDumpAndRead(dump: (file: string) => Promise<void>, readOptions: string): Promise<Timing> {
  return timeBare(async (conn, dir) => {
    const file = path.join(dir, 'dump.csv');
    await dump(file);
    await conn.run(`CREATE TABLE t AS SELECT * FROM read_csv('${file.replaceAll("'", "''")}'${readOptions})`);
  });
}

/**
 * Runs `rounds` interleaved rounds of `sides`: each round starts with the next side, so none always runs
 * right after the same neighbour; `after(i)` prints the round.
 */
export async function interleave(rounds: number, sides: Array<() => Promise<unknown>>, after: (round: number) => void): Promise<void> {
  for (let i = 0; i < rounds; i++) {
    for (let k = 0; k < sides.length; k++) await sides[(i + k) % sides.length]!();
    after(i);
  }
}

/** A timing as `<wall> (CPU <cpu>)`. */
export const show = (t: Timing): string => `${fmt(t.ms)} (CPU ${fmt(t.cpuMs)})`;

/** The wall times of some timings. */
export const wall = (ts: Timing[]): number[] => ts.map((t) => t.ms);

/** The CPU times of some timings. */
export const cpu = (ts: Timing[]): number[] => ts.map((t) => t.cpuMs);

/** Runs `script --rss <args>` in a child process and returns what it prints (its own peak RSS among it). */
export function runChild(script: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, script, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(out.trim()) : reject(new Error(`child exited with ${code}`))));
  });
}

/** Peak RSS of this process in MB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
