import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { fmt, openProject, peakRssMb, ratios, runChild, timeDumpAndRead, timeSync, type Timing } from './lib/db-bench';

/**
 * bench:pg: a 1M-row, 10-column PostgreSQL table synced through `platform.sync()` against the
 * physical limit (`COPY ... TO STDOUT` into a file plus DuckDB `read_csv` of it); an incremental sync
 * of 10k changed rows against a full one; the peak RSS of a sync in its own process (1M rows, and
 * 5M with BENCH_PG_5M=1) to show memory does not grow with the table. `--memory` runs only that.
 */
const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 3));
const SCHEMA = 'dango_bench';
const SOURCE = { name: 'bench', type: 'postgres', enabled: true, postgres: { connection_string_env: 'BENCH_PG_URL', schema: SCHEMA, tables: ['t1m'], incremental: { t1m: { cursor: 'updated_at' } } } };
process.env.BENCH_PG_URL = URL;

async function withClient<T>(job: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: URL });
  await client.connect();
  try {
    return await job(client);
  } finally {
    await client.end();
  }
}

/** Creates `table` with `rows` rows of 10 columns unless it already has them. */
async function ensureTable(table: string, rows: number): Promise<void> {
  await withClient(async (c) => {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const found = await c.query(`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = $1 AND tablename = $2`, [SCHEMA, table]);
    if (found.rows[0].n > 0 && (await c.query(`SELECT count(*)::int AS n FROM ${SCHEMA}.${table}`)).rows[0].n === rows) return;
    await c.query(`DROP TABLE IF EXISTS ${SCHEMA}.${table}`);
    await c.query(`CREATE TABLE ${SCHEMA}.${table} (id bigint PRIMARY KEY, qty integer, amount numeric(12,2), score double precision, name text,
      email text, active boolean, born date, created_at timestamp, updated_at timestamptz NOT NULL)`);
    await c.query(`INSERT INTO ${SCHEMA}.${table} SELECT g, g % 1000, (g % 100000) / 100.0, g * 0.37, 'name ' || g, 'user' || g || '@example.com',
      g % 3 = 0, DATE '2000-01-01' + (g % 9000), TIMESTAMP '2020-01-01' + g * interval '1 second', TIMESTAMPTZ '2024-01-01 00:00:00+00' + g * interval '1 second'
      FROM generate_series(1, ${rows}) g`);
    await c.query(`CREATE INDEX ON ${SCHEMA}.${table} (updated_at)`);
    await c.query(`ANALYZE ${SCHEMA}.${table}`);
  });
}

const copyToFile = (table: string) => (file: string) =>
  withClient(async (c) => pipeline(c.query(copyTo(`COPY (SELECT * FROM ${SCHEMA}.${table}) TO STDOUT WITH (FORMAT csv)`)), fs.createWriteStream(file)));

async function fullVsLimit(): Promise<void> {
  await ensureTable('t1m', 1_000_000);
  console.log(`Case 1: 1,000,000 rows x 10 columns, ${ROUNDS} interleaved rounds`);
  const a: Timing[] = [];
  const b: Timing[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    const sync = async () => {
      const p = await openProject(SOURCE);
      try {
        a.push(await timeSync(p.platform, 'bench', 1_000_000));
      } finally {
        await p.close();
      }
    };
    const limit = async () => b.push(await timeDumpAndRead(copyToFile('t1m'), ', header = false'));
    for (const side of i % 2 ? [limit, sync] : [sync, limit]) await side();
    console.log(`  round ${i + 1}: platform.sync ${fmt(a.at(-1)!.ms)} (CPU ${fmt(a.at(-1)!.cpuMs)})  COPY to file + read_csv ${fmt(b.at(-1)!.ms)} (CPU ${fmt(b.at(-1)!.cpuMs)})`);
  }
  console.log(`  platform.sync / (COPY + read_csv): ${ratios(a.map((t) => t.ms), b.map((t) => t.ms))} (target <= 1.5)`);
}

async function incrementalVsFull(): Promise<void> {
  console.log(`Case 2: 10,000 changed rows of 1,000,000 (merge on id from the updated_at cursor), ${ROUNDS} rounds`);
  const p = await openProject(SOURCE);
  const inc: number[] = [];
  const full: number[] = [];
  try {
    await timeSync(p.platform, 'bench', 1_000_000);
    for (let i = 0; i < ROUNDS; i++) {
      await withClient((c) => c.query(`UPDATE ${SCHEMA}.t1m SET qty = qty + 1, updated_at = now() + interval '1 day' * ${i + 1} WHERE id % 100 = ${i}`));
      inc.push((await timeSync(p.platform, 'bench', null)).ms);
      full.push((await timeSync(p.platform, 'bench', 1_000_000, { fullRefresh: true })).ms);
      console.log(`  round ${i + 1}: incremental ${fmt(inc.at(-1)!)}  full refresh ${fmt(full.at(-1)!)}`);
    }
  } finally {
    await p.close();
  }
  console.log(`  incremental / full: ${ratios(inc, full)} (target <= 0.05)`);
}

/** `--rss <table> <rows>`: one sync in this (child) process; prints its peak RSS. */
async function rssChild(table: string, rows: number): Promise<void> {
  const p = await openProject({ ...SOURCE, postgres: { ...SOURCE.postgres, tables: [table], incremental: {} } });
  try {
    const t = await timeSync(p.platform, 'bench', rows);
    console.log(`${rows.toLocaleString('en-US')} rows: ${fmt(t.ms)}, peak RSS ${peakRssMb().toFixed(0)} MB`);
  } finally {
    await p.close();
  }
}

async function memory(): Promise<void> {
  console.log('Case 3: peak RSS of one sync in its own process');
  const sizes: Array<[string, number]> = [['t1m', 1_000_000]];
  if (process.env.BENCH_PG_5M === '1') sizes.push(['t5m', 5_000_000]);
  else console.log('  (set BENCH_PG_5M=1 for the 5M-row table)');
  for (const [table, rows] of sizes) {
    await ensureTable(table, rows);
    console.log(`  ${await runChild(fileURLToPath(import.meta.url), ['--rss', table, String(rows)])}`);
  }
}

const rssAt = process.argv.indexOf('--rss');
if (rssAt >= 0) {
  await rssChild(process.argv[rssAt + 1]!, Number(process.argv[rssAt + 2]));
} else if (process.argv.includes('--memory')) {
  await memory();
} else {
  await fullVsLimit();
  await incrementalVsFull();
  await memory();
}
