import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, expect, it } from 'vitest';
import { quoteLiteral } from '../../src/warehouse';
import { bumpMtime, createProject, csv, rows, type TestProject } from './helpers';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

async function writeBigCsv(file: string, count: number): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    // An extra column, so the interrupted sync also carried a schema change.
    await conn.run(`COPY (SELECT i AS id, 'name_' || i AS name, i % 977 AS amount, i % 7 AS extra FROM range(100, ${100 + count}) t(i)) TO ${quoteLiteral(file)} (HEADER)`);
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

/** Runs the child until it prints `PROGRESS loading <file>`, then kills it with SIGKILL; resolves with its output and signal. */
function killDuringLoad(projectDir: string, file: string): Promise<{ out: string; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(here, 'sigkill-child.ts'), projectDir, 'sales'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes(`PROGRESS loading ${file}\n`)) child.kill('SIGKILL');
    });
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => (signal ? resolve({ out, signal }) : reject(new Error(`child exited with ${code} before the load: ${out}${err}`))));
  });
}

it('keeps exactly the previous data when the process is killed (SIGKILL) mid-load, and the next sync succeeds', async () => {
  project = await createProject();
  const small = project.write('sales', 'small.csv', csv(['id', 'name', 'amount'], [[1, 'a', 10], [2, 'b', 20], [3, 'c', 30]]));
  let platform = await project.open();
  expect((await platform.sync('sales')).rows_processed).toBe(3);
  await platform.close();
  project.platform = null;

  // The interrupted sync replaces small.csv's rows (a delete), adds a column and loads a big file.
  fs.writeFileSync(small, csv(['id', 'name', 'amount'], [[1, 'changed', 11]]));
  bumpMtime(small);
  const big = 1_500_000;
  await writeBigCsv(path.join(project.sourceDir('sales'), 'big.csv'), big);
  const { out, signal } = await killDuringLoad(project.dir, 'big.csv');
  expect(signal).toBe('SIGKILL');
  expect(out).not.toMatch(/DONE/);

  platform = await project.open();
  expect(await rows(platform, 'SELECT id, name, amount, _dango_file AS f FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) ORDER BY id')).toEqual([
    { id: 1, name: 'a', amount: 10, f: 'small.csv' },
    { id: 2, name: 'b', amount: 20, f: 'small.csv' },
    { id: 3, name: 'c', amount: 30, f: 'small.csv' },
  ]);
  expect((await rows<{ column_name: string }>(platform, 'DESCRIBE raw_sales.sales')).map((c) => c.column_name)).toEqual(['id', 'name', 'amount', '_dango_file_id', '_dango_loaded_at']);
  const files = (await platform.listFiles('sales')).files.map((f) => [f.filename, f.status, f.rows_loaded]);
  expect(files).toEqual([['big.csv', 'pending', 0], ['small.csv', 'pending', 3]]);

  const next = await platform.sync('sales');
  expect(next).toMatchObject({ status: 'success', rows_processed: big + 1, files: { loaded: ['big.csv', 'small.csv'], unchanged: 0 } });
  expect(await rows(platform, 'SELECT count(*)::INT AS n, count(extra)::INT AS e FROM raw_sales.sales')).toEqual([{ n: big + 1, e: big }]);
  expect(await rows(platform, `SELECT name FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) WHERE _dango_file = 'small.csv'`)).toEqual([{ name: 'changed' }]);
});
