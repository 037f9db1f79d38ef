import { afterEach, describe, expect, it } from 'vitest';
import { createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

describe('CSV source options and dialects', () => {
  it('loads quoted fields with delimiters, doubled quotes, newlines, CRLF line ends and day-first dates', async () => {
    project = await createProject();
    project.write('sales', 'q.csv', 'id,name,day\r\n1,"Smith, Ann","25/01/2024"\r\n2,"say ""hi""\r\nthere",31/12/2023\r\n');
    const platform = await project.open();
    expect((await platform.sync('sales')).status).toBe('success');
    const data = await rows<{ id: number; name: string; day: string }>(platform, 'SELECT id, name, strftime(day, \'%Y-%m-%d\') AS day FROM raw_sales.sales ORDER BY id');
    expect(data).toEqual([
      { id: 1, name: 'Smith, Ann', day: '2024-01-25' },
      { id: 2, name: 'say "hi"\r\nthere', day: '2023-12-31' },
    ]);
  });

  it('keeps odd header names (spaces, quotes, duplicates) and fails ragged rows clearly', async () => {
    project = await createProject({ sales: {}, ragged: {} });
    project.write('sales', 'odd.csv', 'first name,"we""ird",x,x\nAnn,1,2,3\n');
    project.write('ragged', 'r.csv', 'a,b,c\n1,2,3\n4,5\n6,7,8\n');
    const platform = await project.open();
    expect((await platform.sync('sales')).status).toBe('success');
    const cols = (await rows<{ column_name: string }>(platform, 'DESCRIBE raw_sales.sales')).map((c) => c.column_name);
    expect(cols.slice(0, 2)).toEqual(['first name', 'we"ird']);
    expect(cols).toHaveLength(6);
    expect(await rows(platform, 'SELECT "first name" AS n, "we""ird" AS w FROM raw_sales.sales')).toEqual([{ n: 'Ann', w: 1 }]);
    const r = await platform.sync('ragged');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^r\.csv is not valid CSV.*different numbers of columns/);
    expect(await rows(platform, `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema = 'raw_ragged'`)).toEqual([{ n: 0 }]);
  });

  it('honours csv.table and csv.header: false', async () => {
    project = await createProject({ sales: { table: 'orders', header: false } });
    project.write('sales', 'a.csv', '1,apple\n2,pear\n');
    const platform = await project.open();
    expect((await platform.sync('sales')).rows_processed).toBe(2);
    expect(await rows(platform, 'SELECT column0, column1 FROM raw_sales.orders ORDER BY column0')).toEqual([
      { column0: 1, column1: 'apple' },
      { column0: 2, column1: 'pear' },
    ]);
    expect((await platform.listSources())[0]!.tables).toEqual([{ name: 'orders', row_count: 2, schema: 'raw_sales' }]);
  });

  it('matches nested files with a recursive pattern and ignores dot-files', async () => {
    project = await createProject({ sales: { file_pattern: '**/*.csv' } });
    project.write('sales', 'top.csv', csv(['id'], [[1]]));
    project.write('sales', '2024/jan.csv', csv(['id'], [[2]]));
    project.write('sales', '.partial.csv', csv(['id'], [[3]]));
    project.write('sales', '.tmp/hidden.csv', csv(['id'], [[4]]));
    const platform = await project.open();
    expect((await platform.sync('sales')).files?.loaded).toEqual(['2024/jan.csv', 'top.csv']);
    expect(await rows(platform, 'SELECT id, _dango_file AS f FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) ORDER BY id')).toEqual([{ id: 1, f: 'top.csv' }, { id: 2, f: '2024/jan.csv' }]);
    const listing = await platform.listFiles('sales');
    expect(listing.files.map((f) => f.filename)).toEqual(['2024/jan.csv', 'top.csv']);
    expect(listing.files[0]!.path).toBe(`${project.sourceDir('sales')}/2024/jan.csv`);
    // Without a '/', the pattern only matches files directly in the directory.
    await project.close();
    project = await createProject({ sales: {} });
    project.write('sales', 'sub/deep.csv', csv(['id'], [[5]]));
    const flat = await project.open();
    expect((await flat.listFiles('sales')).files).toEqual([]);
  });

  it('fails clearly when a value beyond the sniffed sample does not fit, and loads it with csv.sample_size: -1', async () => {
    const lines = ['id,v', ...Array.from({ length: 30000 }, (_, i) => `${i},${i}`)];
    lines[25001] = '25000,N/A';
    project = await createProject({ sales: {}, whole: { sample_size: -1 } });
    project.write('sales', 'late.csv', lines.join('\n') + '\n');
    project.write('whole', 'late.csv', lines.join('\n') + '\n');
    const platform = await project.open();
    const failed = await platform.sync('sales');
    expect(failed.status).toBe('failed');
    expect(failed.error_message).toMatch(/^late\.csv has a value that does not fit its column's type: column v is BIGINT but holds 'N\/A'; .*csv\.sample_size: -1/);
    const ok = await platform.sync('whole');
    expect(ok).toMatchObject({ status: 'success', rows_processed: 30000 });
    expect(await rows(platform, `SELECT typeof(v) AS t, v FROM raw_whole.whole WHERE id = 25000`)).toEqual([{ t: 'VARCHAR', v: 'N/A' }]);
  });

  it('rejects a multi-character quote setting and a bad sample size', async () => {
    project = await createProject({ sales: { quote: '""' }, other: { sample_size: 0 } });
    const platform = await project.open();
    expect(() => platform.startSync('sales')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/csv\.quote/) }));
    expect(() => platform.startSync('other')).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringMatching(/csv\.sample_size/) }));
  });

  it('reports unknown status when the warehouse cannot be read', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const platform = await project.open();
    await platform.sync('sales');
    await platform.warehouse.close();
    const [summary] = await platform.listSources();
    expect(summary).toMatchObject({ status: 'unknown', row_count: 0, tables: [] });
  });
});
