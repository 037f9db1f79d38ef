import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bumpMtime, createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

async function columnTypes(project: TestProject, table = 'raw_sales.sales'): Promise<Record<string, string>> {
  const cols = await rows<{ column_name: string; column_type: string }>(project.platform!, `DESCRIBE ${table}`);
  return Object.fromEntries(cols.map((c) => [c.column_name, c.column_type]));
}

describe('CSV formats and schema evolution', () => {
  it('infers types from the whole sample when it spans several of the sniffer\'s read buffers', async () => {
    project = await createProject();
    // ~600-byte rows: row 15000 lies ~9 MB into the file, beyond the sniffer's first 2 MiB buffer but inside its 20480-row sample.
    const pad = 'x'.repeat(580);
    const lines = Array.from({ length: 16000 }, (_, i) => `${i},${i === 15000 ? '1.5' : i},${pad}`);
    project.write('sales', 'wide.csv', ['id,v,pad', ...lines].join('\n') + '\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 16000 });
    expect(await columnTypes(project)).toMatchObject({ id: 'BIGINT', v: 'DOUBLE', pad: 'VARCHAR' });
    expect(await rows(platform, 'SELECT v FROM raw_sales.sales WHERE id = 15000')).toEqual([{ v: 1.5 }]);
  });

  it('reads quotes escaped by doubling and by backslash, and quoted delimiters and line breaks', async () => {
    project = await createProject();
    project.write('sales', 'doubled.csv', 'id,text\n1,"say ""hi"", then\ngo"\n2,plain\n');
    project.write('sales', 'backslash.csv', 'id,text\n3,"say \\"hi\\", ok"\n4,plain\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 4 });
    expect(await rows(platform, 'SELECT id, text FROM raw_sales.sales ORDER BY id')).toEqual([
      { id: 1, text: 'say "hi", then\ngo' },
      { id: 2, text: 'plain' },
      { id: 3, text: 'say "hi", ok' },
      { id: 4, text: 'plain' },
    ]);
  });

  it('adds a new column from a later file; earlier rows get NULL', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 10]]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', csv(['id', 'v', 'region'], [[2, 20, 'north']]));
    expect((await platform.sync('sales')).status).toBe('success');
    expect(await rows(platform, 'SELECT id, v, region FROM raw_sales.sales ORDER BY id')).toEqual([
      { id: 1, v: 10, region: null },
      { id: 2, v: 20, region: 'north' },
    ]);
  });

  it('widens a changed type BIGINT -> DOUBLE -> VARCHAR, keeping the text of earlier files as written', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['code', 'n'], [[7, 1], [42, 2]]));
    const platform = await project.open();
    await platform.sync('sales');
    expect((await columnTypes(project)).code).toBe('BIGINT');

    project.write('sales', 'b.csv', csv(['code', 'n'], [['1.50', 3]]));
    expect((await platform.sync('sales')).status).toBe('success');
    expect((await columnTypes(project)).code).toBe('DOUBLE');

    project.write('sales', 'c.csv', csv(['code', 'n'], [['X-9', 4]]));
    expect((await platform.sync('sales')).status).toBe('success');
    expect((await columnTypes(project)).code).toBe('VARCHAR');
    // The table was rebuilt from the files, so b.csv's text is kept as written (a cast of the DOUBLE would give '1.5').
    expect(await rows(platform, 'SELECT code FROM raw_sales.sales ORDER BY n')).toEqual([{ code: '7' }, { code: '42' }, { code: '1.50' }, { code: 'X-9' }]);
  });

  it('reads a narrower file into a wider existing column without a rebuild', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'x'], [[1, 'abc']]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', csv(['id', 'x'], [[2, 5]]));
    const r = await platform.sync('sales');
    expect(r.files).toEqual({ loaded: ['b.csv'], removed: [], unchanged: 1 });
    expect(await rows(platform, 'SELECT x FROM raw_sales.sales ORDER BY id')).toEqual([{ x: 'abc' }, { x: '5' }]);
  });

  it('fails naming file, column and both types when a type cannot be reconciled, keeping the data', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'tags'], [[1, 'a']]));
    const platform = await project.open();
    await platform.sync('sales');
    // A user changed the raw column to a list; VARCHAR values cannot widen into it.
    await platform.warehouse.write((c) => c.run(`ALTER TABLE raw_sales.sales ALTER COLUMN tags TYPE VARCHAR[] USING [tags]`));
    project.write('sales', 'b.csv', csv(['id', 'tags'], [[2, 'b']]));
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/b\.csv/);
    expect(r.error_message).toMatch(/tags/);
    expect(r.error_message).toMatch(/VARCHAR\[\]/);
    expect(r.error_message).toMatch(/VARCHAR in this file/);
    expect(await rows(platform, 'SELECT id FROM raw_sales.sales')).toEqual([{ id: 1 }]);
  });

  it('auto-detects delimiters per file and honours a configured one', async () => {
    project = await createProject({ sales: {}, semi: { delimiter: ';' } });
    project.write('sales', 'comma.csv', csv(['id', 'name'], [[1, 'a']]));
    project.write('sales', 'semi.csv', csv(['id', 'name'], [[2, 'b']], ';'));
    project.write('sales', 'tab.csv', csv(['id', 'name'], [[3, 'c']], '\t'));
    project.write('semi', 'x.csv', 'id;amount\n1;2,5\n2;3,75\n');
    const platform = await project.open();
    expect((await platform.sync('sales')).rows_processed).toBe(3);
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
    expect((await platform.sync('semi')).status).toBe('success');
    expect(await rows(platform, 'SELECT id, amount FROM raw_semi.semi ORDER BY id')).toEqual([{ id: 1, amount: '2,5' }, { id: 2, amount: '3,75' }]);
  });

  it('strips a UTF-8 BOM from the header', async () => {
    project = await createProject();
    project.write('sales', 'bom.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('id,name\n1,é\n')]));
    const platform = await project.open();
    await platform.sync('sales');
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales')).toEqual([{ id: 1, name: 'é' }]);
  });

  it('fails clearly on non-UTF-8 bytes and reads them losslessly once csv.encoding says latin-1', async () => {
    project = await createProject({ sales: {}, legacy: { encoding: 'latin-1' } });
    const latin = Buffer.concat([Buffer.from('id,name\n1,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    project.write('sales', 'ok.csv', csv(['id', 'name'], [[0, 'x']]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'latin.csv', latin);
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/latin\.csv is not UTF-8 encoded/);
    expect(r.error_message).toMatch(/csv\.encoding/);
    expect(await rows(platform, 'SELECT id FROM raw_sales.sales')).toEqual([{ id: 0 }]);
    const listing = await platform.listFiles('sales');
    expect(listing.files.find((f) => f.filename === 'latin.csv')).toMatchObject({ status: 'failed', loaded: false });

    project.write('legacy', 'latin.csv', latin);
    expect((await platform.sync('legacy')).status).toBe('success');
    expect(await rows(platform, 'SELECT name FROM raw_legacy.legacy')).toEqual([{ name: 'café' }]);
  });

  it('rejects an unsupported encoding before syncing', async () => {
    project = await createProject({ sales: { encoding: 'ebcdic' } });
    const platform = await project.open();
    expect(() => platform.startSync('sales')).toThrow(/csv\.encoding 'ebcdic' is not supported/);
  });

  it('loads header-only and empty files as zero rows without changing the table (no column, no type)', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 2]]));
    project.write('sales', 'header.csv', 'id,v,extra\n');
    project.write('sales', 'empty.csv', '');
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r).toMatchObject({ status: 'success', rows_processed: 1 });
    expect(await columnTypes(project)).toEqual({ id: 'BIGINT', v: 'BIGINT', _dango_file_id: 'INTEGER', _dango_loaded_at: 'TIMESTAMP WITH TIME ZONE' });
    const listing = await platform.listFiles('sales');
    expect(listing.files.map((f) => [f.filename, f.status, f.rows_loaded])).toEqual([
      ['a.csv', 'success', 1], ['empty.csv', 'success', 0], ['header.csv', 'success', 0],
    ]);
  });

  it('loads a 200-column file', async () => {
    project = await createProject();
    const header = Array.from({ length: 200 }, (_, i) => `c${i}`);
    project.write('sales', 'wide.csv', csv(header, [header.map((_, i) => i), header.map((_, i) => i * 2)]));
    const platform = await project.open();
    expect((await platform.sync('sales')).rows_processed).toBe(2);
    expect(Object.keys(await columnTypes(project))).toHaveLength(202);
    expect(await rows(platform, 'SELECT c0, c199 FROM raw_sales.sales ORDER BY c0')).toEqual([{ c0: 0, c199: 199 }, { c0: 0, c199: 398 }]);
  });

  it('fails on an unbalanced quote, names the file and keeps the previous data', async () => {
    project = await createProject();
    const good = project.write('sales', 'a.csv', csv(['id', 'name'], [[1, 'x'], [2, 'y']]));
    const platform = await project.open();
    await platform.sync('sales');
    fs.writeFileSync(good, 'id,name\n1,x\n2,"broken\n3,z\n');
    bumpMtime(good);
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^a\.csv is not valid CSV/);
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1, name: 'x' }, { id: 2, name: 'y' }]);
    const [summary] = await platform.listSources();
    expect(summary).toMatchObject({ status: 'failed', row_count: 2 });
    const [file] = (await platform.listFiles('sales')).files;
    expect(file).toMatchObject({ filename: 'a.csv', status: 'failed', loaded: true, rows_loaded: 2 });
    expect(file!.error).toMatch(/not valid CSV/);
  });

  it('fails on a large file whose quote breaks beyond the sniffer sample, keeping the previous data', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'name'], [[1, 'x']]));
    const platform = await project.open();
    await platform.sync('sales');
    const lines = Array.from({ length: 30000 }, (_, i) => `${i + 10},"n${i}"`);
    lines[29000] = '99999,"never closed';
    project.write('sales', 'big.csv', `id,name\n${lines.join('\n')}\n`);
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/big\.csv/);
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 1 }]);
  });

  it('refuses a header that uses a lineage column name', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', '_dango_file'], [[1, 'x']]));
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/a\.csv has a column named _dango_file: names starting with _dango_ are reserved/);
  });

  it('full refresh rebuilds the table from the files present, dropping columns of files gone', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 10]]));
    const b = project.write('sales', 'b.csv', csv(['id', 'v', 'old'], [[2, 20, 'z']]));
    const platform = await project.open();
    await platform.sync('sales');
    fs.rmSync(b);
    const r = await platform.sync('sales', { fullRefresh: true });
    expect(r).toMatchObject({ status: 'success', full_refresh: true, rows_processed: 1 });
    expect(await columnTypes(project)).toEqual({ id: 'BIGINT', v: 'BIGINT', _dango_file_id: 'INTEGER', _dango_loaded_at: 'TIMESTAMP WITH TIME ZONE' });
    expect((await platform.getSource('sales')).history[0]).toMatchObject({ full_refresh: true, status: 'success' });
  });
});
