import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

async function dataColumns(p: TestProject, table = 'raw_sales.sales'): Promise<string[]> {
  const names = (await rows<{ column_name: string }>(p.platform!, `DESCRIBE ${table}`)).map((c) => c.column_name);
  return names.filter((n) => !n.startsWith('_dango_'));
}

describe('a file changes the table shape only through rows it loads (issue 10, item 3)', () => {
  it('a one-line file without a newline adds no column, and the table keeps its shape', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 2]]));
    const platform = await project.open();
    await platform.sync('sales');
    const hello = project.write('sales', 'hello.csv', 'hello world');
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 0 });
    expect(await dataColumns(project)).toEqual(['id', 'v']);
    fs.rmSync(hello);
    expect(await platform.sync('sales')).toMatchObject({ status: 'success' });
    expect(await dataColumns(project)).toEqual(['id', 'v']);
  });

  it('a header-only file alone creates no table', async () => {
    project = await createProject();
    project.write('sales', 'h.csv', 'hello world');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 0 });
    expect(await rows(platform, `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema = 'raw_sales' AND table_name = 'sales'`)).toEqual([{ n: 0 }]);
  });

  it('deleting the file that introduced a column drops it, unless another file has it', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 2]]));
    const platform = await project.open();
    await platform.sync('sales');
    const b = project.write('sales', 'b.csv', csv(['id', 'v', 'extra', 'shared'], [[2, 3, 'x', 's']]));
    project.write('sales', 'c.csv', csv(['id', 'shared'], [[3, 't']]));
    await platform.sync('sales');
    expect(await dataColumns(project)).toEqual(['id', 'v', 'extra', 'shared']);
    fs.rmSync(b);
    expect(await platform.sync('sales')).toMatchObject({ status: 'success' });
    expect(await dataColumns(project)).toEqual(['id', 'v', 'shared']);
    expect(await rows(platform, 'SELECT id, v, shared FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1, v: 2, shared: null }, { id: 3, v: null, shared: 't' }]);
  });

  it('a column added by a file survives a restart and goes when that file is deleted', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const b = project.write('sales', 'b.csv', csv(['id', 'extra'], [[2, 'x']]));
    let platform = await project.open();
    await platform.sync('sales');
    await platform.close();
    platform = await project.open();
    fs.rmSync(b);
    await platform.sync('sales');
    expect(await dataColumns(project)).toEqual(['id']);
  });
});
