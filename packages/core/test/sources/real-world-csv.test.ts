import { afterEach, describe, expect, it } from 'vitest';
import { bumpMtime, createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

async function columnNames(project: TestProject, table = 'raw_sales.sales'): Promise<string[]> {
  const cols = await rows<{ column_name: string }>(project.platform!, `DESCRIBE ${table}`);
  return cols.map((c) => c.column_name);
}

describe('real-world CSV files', () => {
  it('a file holding only a BOM or blank lines adds no column and loads as zero rows', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 2]]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'bom-only.csv', Buffer.from([0xef, 0xbb, 0xbf]));
    project.write('sales', 'blank.csv', '\n\n');
    project.write('sales', 'utf16-bom-only.csv', Buffer.from([0xff, 0xfe, 0x0a, 0x00]));
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 0 });
    expect(await columnNames(project)).toEqual(['id', 'v', '_dango_file_id', '_dango_loaded_at']);
    const listing = await platform.listFiles('sales');
    expect(listing.files.map((f) => [f.filename, f.status, f.rows_loaded])).toEqual([
      ['a.csv', 'success', 1], ['blank.csv', 'success', 0], ['bom-only.csv', 'success', 0], ['utf16-bom-only.csv', 'success', 0],
    ]);
  });
});

describe('whole numbers beyond BIGINT', () => {
  it('keeps every digit: HUGEINT up to 38 digits, text beyond; decimals stay DOUBLE', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'code', 'amount'], [[1, 1, 1.5], [2, 2, 2]]));
    const platform = await project.open();
    await platform.sync('sales');
    const huge = '99999999999999999999999';
    const longer = '1234567890123456789012345678901234567890123';
    project.write('sales', 'b.csv', csv(['id', 'code', 'amount'], [[huge, longer, '12345678901234567890.5']]));
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3 });
    const types = Object.fromEntries(
      (await rows<{ column_name: string; column_type: string }>(platform, 'DESCRIBE raw_sales.sales')).map((c) => [c.column_name, c.column_type]),
    );
    expect(types).toMatchObject({ id: 'HUGEINT', code: 'VARCHAR', amount: 'DOUBLE' });
    expect(await rows(platform, 'SELECT id::VARCHAR AS id, code FROM raw_sales.sales ORDER BY id::VARCHAR')).toEqual([
      { id: '1', code: '1' }, { id: '2', code: '2' }, { id: huge, code: longer },
    ]);
  });

  it('finds them in quoted files too, where values spanning lines put sample rows past the lines a byte scan reads', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    const huge = '123456789012345678901';
    // 100 rows of two lines each: row 80 (line ~161) is in the sample but beyond its first 100 lines.
    const lines = Array.from({ length: 100 }, (_, i) => `${i},"note ${i}\nsecond line",${i === 80 ? huge : i}`);
    project.write('sales', 'a.csv', ['id,note,ref', ...lines].join('\n') + '\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 100 });
    expect(await rows(platform, 'SELECT typeof(ref) AS t, ref::VARCHAR AS ref FROM raw_sales.sales WHERE id IN (79, 80) ORDER BY id')).toEqual([
      { t: 'HUGEINT', ref: '79' },
      { t: 'HUGEINT', ref: huge },
    ]);
  });
});

describe('null markers', () => {
  const data = 'id,country,amount\n1,NA,10\n2,NULL,NA\n3,,\n';

  it('by default only an empty value is NULL: NA (Namibia) stays text', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', data);
    const platform = await project.open();
    await platform.sync('sales');
    expect(await rows(platform, 'SELECT country, amount FROM raw_sales.sales ORDER BY id')).toEqual([
      { country: 'NA', amount: '10' }, { country: 'NULL', amount: 'NA' }, { country: null, amount: null },
    ]);
  });

  it('csv.null_values lists the texts read as NULL, so the column keeps its numeric type', async () => {
    project = await createProject({ sales: { null_values: ['', 'NA', 'NULL'] } });
    project.write('sales', 'a.csv', data);
    const platform = await project.open();
    await platform.sync('sales');
    expect(await rows(platform, 'SELECT country, amount FROM raw_sales.sales ORDER BY id')).toEqual([
      { country: null, amount: 10 }, { country: null, amount: null }, { country: null, amount: null },
    ]);
    // Re-read on a rebuild (a later file widens amount) with the same markers.
    project.write('sales', 'b.csv', 'id,country,amount\n4,NA,1.5\n');
    expect((await platform.sync('sales')).status).toBe('success');
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales WHERE country IS NULL AND typeof(amount) = \'DOUBLE\'')).toEqual([{ n: 4 }]);
  });

  it('rejects csv.null_values that is not a list of texts', async () => {
    project = await createProject({ sales: { null_values: 'NA' } });
    const platform = await project.open();
    expect(() => platform.startSync('sales')).toThrow(/csv\.null_values must be a list of texts/);
  });
});

describe('encodings', () => {
  // Windows-1252: é, €, curly quotes; 0x80-0x93-0x94 are undefined in latin-1.
  const cp1252 = Buffer.concat([Buffer.from('id,name\n1,Caf'), Buffer.from([0xe9, 0x20, 0x80, 0x20, 0x93, 0x71, 0x94]), Buffer.from('\n')]);

  it('names Windows-1252 and the conversion when latin-1 meets its bytes, keeping the previous data', async () => {
    project = await createProject({ legacy: { encoding: 'latin-1' } });
    project.write('legacy', 'ok.csv', 'id,name\n0,cafe\n');
    const platform = await project.open();
    await platform.sync('legacy');
    project.write('legacy', 'excel.csv', cp1252);
    const r = await platform.sync('legacy');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^excel\.csv is not latin-1 encoded: .*Windows-1252.*iconv -f WINDOWS-1252 -t UTF-8/);
    expect(await rows(platform, 'SELECT id FROM raw_legacy.legacy')).toEqual([{ id: 0 }]);
  });

  it('refuses a file that is not UTF-16 under csv.encoding utf-16 instead of loading garbage', async () => {
    project = await createProject({ wide: { encoding: 'utf-16' } });
    project.write('wide', 'ascii.csv', 'id,name\n1,x\n');
    const platform = await project.open();
    const r = await platform.sync('wide');
    expect(r).toMatchObject({ status: 'failed', error_message: 'ascii.csv is not UTF-16 encoded (it has no zero bytes); fix csv.encoding in .dango/sources.yml' });
    project.write('wide', 'ascii.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\r\n1,Café\r\n', 'utf16le')]));
    expect((await platform.sync('wide')).status).toBe('success');
    expect(await rows(platform, 'SELECT id, name FROM raw_wide.wide')).toEqual([{ id: 1, name: 'Café' }]);
  });
});

describe('file names DuckDB would read as a glob', () => {
  it('reads q[1].csv, r[2].csv, s*.csv and t?.csv themselves, not the files their pattern matches', async () => {
    project = await createProject();
    project.write('sales', 'q[1].csv', 'id,v\n1,own\n');
    project.write('sales', 'q1.csv', 'id,v\n2,other\n');
    project.write('sales', 'r[2].csv', 'id,v\n3,own\n');
    project.write('sales', 's*.csv', 'id,v\n4,own\n');
    project.write('sales', 'sx.csv', 'id,v\n5,other\n');
    project.write('sales', 't?.csv', 'id,v\n6,own\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 6 });
    expect(await rows(platform, 'SELECT _dango_file AS f, id, v FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) ORDER BY id')).toEqual([
      { f: 'q[1].csv', id: 1, v: 'own' }, { f: 'q1.csv', id: 2, v: 'other' }, { f: 'r[2].csv', id: 3, v: 'own' },
      { f: 's*.csv', id: 4, v: 'own' }, { f: 'sx.csv', id: 5, v: 'other' }, { f: 't?.csv', id: 6, v: 'own' },
    ]);
  });
});

describe('file pattern', () => {
  it('matches extensions case-insensitively: EXPORT.CSV from a Windows tool is loaded and can be uploaded', async () => {
    project = await createProject();
    project.write('sales', 'EXPORT.CSV', 'id\n1\n');
    project.write('sales', 'notes.txt', 'id\n9\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 1 });
    await platform.uploadFile('sales', { filename: 'Second.Csv', data: Buffer.from('id\n2\n') }, { triggerSync: false });
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 1 });
    expect((await platform.listFiles('sales')).files.map((f) => [f.filename, f.status])).toEqual([['EXPORT.CSV', 'success'], ['Second.Csv', 'success']]);
  });
});

describe('a file emptied in place', () => {
  it('is refused while it would empty the table (message in the singular for one row), then empties it with allowEmpty', async () => {
    project = await createProject();
    const file = project.write('sales', 'a.csv', 'id\n1\n');
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'a.csv', '');
    bumpMtime(file);
    const r = await platform.sync('sales');
    expect(r.error_message).toMatch(/^Refusing to empty raw_sales\.sales \(1 row\): /);
    expect((await platform.listFiles('sales')).files.map((f) => [f.status, f.rows_loaded])).toEqual([['pending', 1]]);
    expect(await platform.sync('sales', { allowEmpty: true })).toMatchObject({ status: 'success', rows_processed: 0 });
    expect((await platform.listFiles('sales')).files.map((f) => [f.status, f.rows_loaded])).toEqual([['success', 0]]);
  });
});
