import fs from 'node:fs';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';

/** Escapes a SQL string literal (bench-only paths we create ourselves). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Runs SQL on a throwaway in-memory DuckDB (data generation only, never measured). */
async function withMemoryDb(fn: (run: (sql: string) => Promise<void>) => Promise<void>): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await fn(async (sql) => {
      await conn.run(sql);
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** A realistic sales-like CSV of `rows` rows (ids from `firstId`); `salt` changes the values, not the shape. */
function generatorSql(rows: number, firstId: number, salt: number): string {
  return `SELECT i AS id, 'customer_' || (i % 5000) AS customer, round(((i * 7919 + ${salt}) % 100000) / 100.0, 2) AS amount,
            DATE '2020-01-01' + CAST(i % 1500 AS INTEGER) AS day, ['books', 'games', 'music', 'garden'][1 + i % 4] AS category,
            md5(CAST(i + ${salt} AS VARCHAR)) AS note
       FROM range(${firstId}, ${firstId + rows}) t(i)`;
}

/** Writes `file` with generated rows unless it already exists (the data is reused across runs). */
export async function ensureCsv(file: string, rows: number, options: { firstId?: number; salt?: number } = {}): Promise<string> {
  if (fs.existsSync(file)) return file;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp`;
  await withMemoryDb((run) => run(`COPY (${generatorSql(rows, options.firstId ?? 1, options.salt ?? 0)}) TO ${sqlString(tmp)} (HEADER, DELIMITER ',')`));
  fs.renameSync(tmp, file);
  return file;
}
