import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from './lib/csv-data';
import { cpu, interleave, ratios, show, timeBare, timeFreshSync, wall, type Timing } from './lib/db-bench';

const ROUNDS = Math.max(3, Number(process.env.BENCH_ROUNDS ?? 5));
const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const DATA = path.join(path.dirname(fileURLToPath(import.meta.url)), '.data', 'json');

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
const timeSync = (directory: string): Promise<Timing> =>
  timeFreshSync({ name: 'bench', type: 'local_files', enabled: true, local_files: { directory } }, ROWS, 'json');

/** B: bare `CREATE TABLE AS SELECT * FROM <reader>(file)` into a fresh file database. */
const timeCtas = (reader: 'read_json' | 'read_parquet', file: string): Promise<Timing> =>
  timeBare(async (conn) => {
    await conn.run(`CREATE TABLE t AS SELECT * FROM ${reader}(${sqlString(file)})`);
  });

async function compare(label: string, reader: 'read_json' | 'read_parquet', file: string): Promise<void> {
  console.log(`${label}: ${ROWS.toLocaleString('en-US')} rows, ${(fs.statSync(file).size / 1e6).toFixed(1)} MB, ${ROUNDS} interleaved rounds`);
  await timeCtas(reader, file); // warm the page cache so neither side pays for the first disk read
  const a: Timing[] = [];
  const b: Timing[] = [];
  const sides = [async () => a.push(await timeSync(path.dirname(file))), async () => b.push(await timeCtas(reader, file))];
  await interleave(ROUNDS, sides, (i) => console.log(`  round ${i + 1}: platform.sync ${show(a.at(-1)!)}  bare CTAS ${show(b.at(-1)!)}`));
  console.log(`  platform.sync / bare CTAS ${reader}: ${ratios(wall(a), wall(b))} (target <= 1.15); CPU time: ${ratios(cpu(a), cpu(b))}`);
}

const { ndjson, parquet } = await ensureFiles();
await compare('NDJSON', 'read_json', ndjson);
await compare('Parquet', 'read_parquet', parquet);
