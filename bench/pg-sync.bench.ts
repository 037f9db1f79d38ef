import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { pipeline } from 'node:stream/promises';
import { runDbBench } from './lib/db-sync-cases';

/**
 * bench:pg: a 1M-row, 10-column PostgreSQL table synced through `platform.sync()` against the
 * physical limit (`COPY ... TO STDOUT` into a file plus DuckDB `read_csv` of it); an incremental sync
 * of 10k changed rows against a full one; the peak RSS of a sync in its own process (1M rows, and
 * 5M with BENCH_PG_5M=1) to show memory does not grow with the table. `--memory` runs only that.
 * The cases themselves are shared with bench:mysql (lib/db-sync-cases.ts).
 */
const URL = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'dango_bench';
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

await runDbBench({
  type: 'postgres',
  config: { connection_string_env: 'BENCH_PG_URL', schema: SCHEMA },
  ensureTable,
  limit: { dump: copyToFile, readOptions: ', header = false', round: 'COPY to file + read_csv', ratio: 'COPY + read_csv' },
  touch: (table, i) => withClient((c) => c.query(`UPDATE ${SCHEMA}.${table} SET qty = qty + 1, updated_at = now() + interval '1 day' * ${i + 1} WHERE id % 100 = ${i}`)),
  fiveMillionEnv: 'BENCH_PG_5M',
  script: fileURLToPath(import.meta.url),
});
