import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvProject, dango, salesCsv, serverTestScope, startServer, stopServer } from './helpers';

/** A project whose one source feeds a model that fails (a column the CSV does not have). */
async function brokenDownstream(dir: string): Promise<string> {
  const root = await csvProject(dir, { 'a.csv': salesCsv(5) });
  writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'sales_broken.sql'), "select no_such_column from {{ source('sales', 'sales') }}\n");
  writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'sales_total.sql'), "select sum(amount) as total from {{ source('sales', 'sales') }}\n");
  return root;
}

const lastLine = (s: string) => s.trim().split('\n').at(-1);

describe('dango sync reports the models it sets off', () => {
  const tmp = serverTestScope();

  it('in process: names the failed model, counts models in the summary and exits 3', async () => {
    const root = await brokenDownstream(tmp.dir);
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).toBe(3);
    expect(r.stdout).toMatch(/^sales: synced 5 rows in /m);
    expect(r.stdout).toMatch(/^sales: model sales_broken FAILED: .*no_such_column/m);
    expect(lastLine(r.stdout)).toMatch(/^1 source synced, 0 failed, 5 rows; models: \d+ ran, 1 failed$/);

    // Fixed, the same sync exits 0.
    writeFileSync(path.join(root, 'dbt', 'models', 'marts', 'sales_broken.sql'), "select id from {{ source('sales', 'sales') }}\n");
    const fixed = await dango(['sync', '--project', root]);
    expect(fixed.exitCode).toBe(0);
    expect(lastLine(fixed.stdout)).toBe('1 source synced, 0 failed, 0 rows');
  });

  it('through a running server: the same report and exit 3', async () => {
    const root = await brokenDownstream(tmp.dir);
    const server = await startServer(root);
    const r = await dango(['sync', '--project', root]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe(`Using the running server at ${server.url}`);
    expect(r.stdout).toMatch(/^sales: model sales_broken FAILED: .*no_such_column/m);
    expect(lastLine(r.stdout)).toMatch(/^1 source synced, 0 failed, 5 rows; models: \d+ ran, 1 failed$/);
    expect(await stopServer(server)).toBe(0);
  });
});
