import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, VARCHAR } from '@duckdb/node-api';
import mysql from 'mysql2/promise';
import { csvField } from '../packages/core/src/sources/rows/staging';
import { fmt, ratios } from './lib/db-bench';
import { ROUNDS, runDbBench } from './lib/db-sync-cases';

/**
 * bench:mysql: a 1M-row, 10-column MariaDB/MySQL table synced through `platform.sync()` against the
 * physical limit (`mariadb --batch --quick` output in a file plus DuckDB `read_csv` of it); an
 * incremental sync of 10k changed rows against a full one; the peak RSS of a sync in its own process
 * (1M rows, and 5M with BENCH_MYSQL_5M=1). `--memory` runs only the last; `--staging` compares the
 * row loader's staging (CSV file + read_csv) with the appender for the same JS rows. The cases
 * themselves are shared with bench:pg (lib/db-sync-cases.ts).
 */
const HOST = process.env.BENCH_MYSQL_HOST ?? '127.0.0.1';
const DB = 'dango_bench';
const CLIENT = fs.existsSync('/usr/bin/mariadb') ? 'mariadb' : 'mysql';

async function withConn<T>(job: (c: mysql.Connection) => Promise<T>): Promise<T> {
  const c = await mysql.createConnection({ host: HOST, user: 'root' });
  try {
    return await job(c);
  } finally {
    await c.end();
  }
}

/** Creates `table` with `rows` rows of 10 columns unless it already has them (MariaDB's seq_ tables generate the rows). */
async function ensureTable(table: string, rows: number): Promise<void> {
  await withConn(async (c) => {
    await c.query(`CREATE DATABASE IF NOT EXISTS ${DB}`);
    const [found] = (await c.query('SELECT count(*) AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?', [DB, table])) as unknown as [Array<{ n: number }>];
    if (Number(found[0]!.n) > 0) {
      const [count] = (await c.query(`SELECT count(*) AS n FROM ${DB}.${table}`)) as unknown as [Array<{ n: number }>];
      if (Number(count[0]!.n) === rows) return;
    }
    await c.query(`DROP TABLE IF EXISTS ${DB}.${table}`);
    await c.query(`CREATE TABLE ${DB}.${table} (id bigint PRIMARY KEY, qty int, amount decimal(12,2), score double, name varchar(40), email varchar(60),
      active tinyint(1), born date, created_at datetime, updated_at datetime(3) NOT NULL, KEY (updated_at))`);
    await c.query(`INSERT INTO ${DB}.${table} SELECT seq, seq % 1000, (seq % 100000) / 100, seq * 0.37, CONCAT('name ', seq), CONCAT('user', seq, '@example.com'),
      seq % 3 = 0, DATE '2000-01-01' + INTERVAL (seq % 9000) DAY, TIMESTAMP '2020-01-01 00:00:00' + INTERVAL seq SECOND, TIMESTAMP '2024-01-01 00:00:00' + INTERVAL seq SECOND
      FROM ${DB}.seq_1_to_${rows}`);
  });
}

/** `mariadb --batch --quick -e "SELECT * ..." > file`: the client's own streaming export. */
const batchToFile = (table: string) => (file: string) =>
  new Promise<void>((resolve, reject) => {
    const out = fs.openSync(file, 'w');
    const child = spawn(CLIENT, ['--batch', '--quick', '-h', HOST, '-u', 'root', '-e', `SELECT * FROM ${DB}.${table}`], { stdio: ['ignore', out, 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => {
      fs.closeSync(out);
      if (code === 0) resolve();
      else reject(new Error(`${CLIENT} exited with ${code}`));
    });
  });

/**
 * `--staging`: how rows that come through JavaScript are best handed to DuckDB. The same 1M rows of 10
 * text values (what mysql2 yields) go (a) into a CSV file then `read_csv` + cast into the typed table, or
 * (b) through the appender (data chunks of 2,048 rows) into a VARCHAR table then cast into the typed one.
 */
async function stagingChoice(): Promise<void> {
  const ROWS = 1_000_000;
  const row = (i: number) => [String(i), String(i % 1000), `${i % 100000}.25`, String(i * 0.37), `name ${i}`, `user${i}@example.com`, String(i % 2), '2001-02-03', '2020-01-01 00:00:00', '2024-01-01 00:00:00.123'];
  const types = ['BIGINT', 'INTEGER', 'DECIMAL(12,2)', 'DOUBLE', 'VARCHAR', 'VARCHAR', 'TINYINT', 'DATE', 'TIMESTAMP', 'TIMESTAMP'];
  const defs = types.map((t, i) => `c${i} ${t}`).join(', ');
  const casts = types.map((t, i) => `c${i}::${t}`).join(', ');
  console.log(`Staging: ${ROWS.toLocaleString('en-US')} JS rows x 10 text values, ${ROUNDS} rounds`);
  const csv: number[] = [];
  const app: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-bench-staging-'));
    const db = await DuckDBInstance.create(path.join(dir, 'w.duckdb'));
    const conn = await db.connect();
    try {
      await conn.run(`CREATE TABLE a (${defs}); CREATE TABLE b (${defs}); CREATE TABLE s (${types.map((_, i) => `c${i} VARCHAR`).join(', ')})`);
      csv.push((await timedMs(async () => {
        const file = path.join(dir, 'rows.csv');
        const out = fs.createWriteStream(file);
        for (let i = 0; i < ROWS; i += 2000) {
          let text = '';
          for (let j = i; j < Math.min(ROWS, i + 2000); j++) text += row(j).map(csvField).join(',') + '\n';
          if (!out.write(text)) await new Promise<void>((res) => out.once('drain', () => res()));
        }
        await new Promise<void>((res) => out.end(() => res()));
        const spec = types.map((t, i) => `'c${i}': '${t}'`).join(', ');
        await conn.run(`INSERT INTO a SELECT * FROM read_csv('${file}', auto_detect = false, header = false, allow_quoted_nulls = false, columns = {${spec}})`);
      })));
      app.push((await timedMs(async () => {
        const appender = await conn.createAppender('s');
        const { DuckDBDataChunk } = await import('@duckdb/node-api');
        for (let i = 0; i < ROWS; i += 2048) {
          const n = Math.min(2048, ROWS - i);
          const cols: string[][] = types.map(() => new Array<string>(n));
          for (let j = 0; j < n; j++) row(i + j).forEach((v, k) => (cols[k]![j] = v));
          const chunk = DuckDBDataChunk.create(types.map(() => VARCHAR), n);
          chunk.setColumns(cols);
          appender.appendDataChunk(chunk);
        }
        appender.closeSync();
        await conn.run(`INSERT INTO b SELECT ${casts} FROM s`);
      })));
      console.log(`  round ${r + 1}: CSV file + read_csv ${fmt(csv.at(-1)!)}  appender (VARCHAR chunks) + cast ${fmt(app.at(-1)!)}`);
    } finally {
      conn.closeSync();
      db.closeSync();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`  CSV staging / appender staging: ${ratios(csv, app)}`);
}

async function timedMs(job: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await job();
  return performance.now() - t0;
}

await runDbBench({
  type: 'mysql',
  config: { host: HOST, user: 'root', database: DB },
  ensureTable,
  limit: { dump: batchToFile, readOptions: ", delim = '\\t', header = true", round: `${CLIENT} --batch to file + read_csv`, ratio: `${CLIENT} --batch + read_csv` },
  touch: (table, i) => withConn((c) => c.query(`UPDATE ${DB}.${table} SET qty = qty + 1, updated_at = NOW(3) + INTERVAL ${i + 1} DAY WHERE id % 100 = ${i}`)),
  fiveMillionEnv: 'BENCH_MYSQL_5M',
  script: fileURLToPath(import.meta.url),
  modes: { '--staging': stagingChoice },
});
