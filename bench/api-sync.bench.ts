import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { fmt, openProject, peakRssMb, ratios, runChild, timed, timeSync, type Timing } from './lib/db-bench';

/**
 * bench:api: 1M records served by a local paged JSON API (100 a page, its own process) synced through
 * `platform.sync()` of a `rest_api` source, against a bare loop that fetches the same pages (with the
 * same one-page prefetch) and appends every record with DuckDB's appender. Rounds interleave; the
 * sync's peak RSS is measured in a child process of its own.
 */
const RECORDS = Number(process.env.BENCH_API_RECORDS ?? 1_000_000);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));
const TARGET = 1.3;
const HERE = path.dirname(fileURLToPath(import.meta.url));

function startApi(): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, [path.join(HERE, 'lib', 'fake-paged-api.mjs')], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, BENCH_API_RECORDS: String(RECORDS) } });
  return new Promise((resolve, reject) => {
    child.stdout!.once('data', (d: Buffer) => resolve({ url: `http://127.0.0.1:${d.toString().trim()}`, child }));
    child.once('error', reject);
  });
}

const source = (url: string) => ({
  name: 'api',
  type: 'rest_api',
  enabled: true,
  rest_api: {
    client: { base_url: url, paginator: { type: 'page_number', total_path: 'total_pages' } },
    resources: [{ name: 'records', endpoint: { path: 'records', data_selector: 'data' }, primary_key: 'id' }],
  },
});

interface ApiRecord {
  id: number; name: string; email: string; amount: number; qty: number; active: boolean; created_at: string; status: string;
  address: { city: string; zip: string };
}

/** The bare loop: fetch each page (the next one in flight while this one is appended), append every record. */
async function bareLoop(url: string): Promise<Timing> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-api-'));
  const instance = await DuckDBInstance.create(path.join(dir, 'bare.duckdb'));
  const conn = await instance.connect();
  try {
    await conn.run(`CREATE TABLE records (id BIGINT, name VARCHAR, email VARCHAR, amount DOUBLE, qty BIGINT, active BOOLEAN, created_at VARCHAR, status VARCHAR, address__city VARCHAR, address__zip VARCHAR)`);
    return await timed(async () => {
      const appender = await conn.createAppender('records');
      const get = (page: number) => fetch(`${url}/records?page=${page}`).then((r) => r.json() as Promise<{ data: ApiRecord[]; total_pages: number }>);
      let next: ReturnType<typeof get> | null = get(1);
      for (let page = 1; next; page++) {
        const body: Awaited<ReturnType<typeof get>> = await next;
        next = page < body.total_pages ? get(page + 1) : null;
        for (const r of body.data) {
          appender.appendBigInt(BigInt(r.id));
          appender.appendVarchar(r.name);
          appender.appendVarchar(r.email);
          appender.appendDouble(r.amount);
          appender.appendBigInt(BigInt(r.qty));
          appender.appendBoolean(r.active);
          appender.appendVarchar(r.created_at);
          appender.appendVarchar(r.status);
          appender.appendVarchar(r.address.city);
          appender.appendVarchar(r.address.zip);
          appender.endRow();
        }
      }
      appender.flushSync();
      appender.closeSync();
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Where a sync's time went: extraction (fetch, convert, stage) and the load (DuckDB reads the staged file, commit). */
const phases: string[] = [];

async function syncOnce(url: string): Promise<Timing> {
  const p = await openProject(source(url));
  const marks: Record<string, number> = {};
  p.platform.on('event', (e: { type: string; step?: string }) => {
    if (e.type === 'sync_progress' && e.step) marks[e.step] = performance.now();
  });
  try {
    const t0 = performance.now();
    const timing = await timeSync(p.platform, 'api', RECORDS);
    const end = t0 + timing.ms;
    phases.push(`extract ${fmt(marks.extracted! - t0)}, load ${fmt(marks.loaded! - marks.extracted!)}, rest ${fmt(end - marks.loaded!)}`);
    return timing;
  } finally {
    await p.close();
  }
}

async function main(): Promise<void> {
  const rssMode = process.argv[2] === '--rss';
  const api = rssMode ? { url: process.argv[3]!, child: null } : await startApi();
  try {
    if (rssMode) {
      await syncOnce(api.url);
      console.log(peakRssMb().toFixed(0));
      return;
    }
    console.log(`bench:api: ${RECORDS.toLocaleString('en')} records, 100 a page, ${ROUNDS} interleaved rounds (API in its own process)`);
    await bareLoop(api.url); // warm-up: JIT, DuckDB, the API process's pages
    const a: Timing[] = [];
    const b: Timing[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const first = i % 2 === 0;
      if (first) a.push(await syncOnce(api.url));
      b.push(await bareLoop(api.url));
      if (!first) a.push(await syncOnce(api.url));
      console.log(`  round ${i + 1}: platform.sync ${fmt(a[i]!.ms)} (cpu ${fmt(a[i]!.cpuMs)}; ${phases[i]}), bare fetch + appender ${fmt(b[i]!.ms)} (cpu ${fmt(b[i]!.cpuMs)})`);
    }
    const ms = (t: Timing[]) => t.map((x) => x.ms);
    console.log(`  ${ratios(ms(a), ms(b))} (target <= ${TARGET}x)`);
    const rss = await runChild(fileURLToPath(import.meta.url), ['--rss', api.url]);
    console.log(`  peak RSS of a sync in its own process: ${rss} MB`);
  } finally {
    api.child?.kill();
  }
}

await main();
