import { afterEach, describe, expect, it } from 'vitest';
import { createProject, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

/** A CSV of `n` rows `id,qty` (qty = id * 10), with some rows' qty replaced by the given texts. */
function qtyFile(n: number, late: Record<number, string> = {}): string {
  const lines = Array.from({ length: n }, (_, i) => `${i},${late[i] ?? i * 10}`);
  return ['id,qty', ...lines].join('\n') + '\n';
}

async function typeOf(project: TestProject, column: string): Promise<string> {
  const cols = await rows<{ column_name: string; column_type: string }>(project.platform!, 'DESCRIBE raw_sales.sales');
  return cols.find((c) => c.column_name === column)!.column_type;
}

// DuckDB's sniffer reads at least one vector (2,048 rows) whatever the sample size, so these files are longer.
describe('integer columns beyond the sniffed sample', () => {
  it('load exactly when every late value is a whole number (leading zeros, signs, spaces and empty values as DuckDB reads them)', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    project.write('sales', 'a.csv', qtyFile(3000, { 2900: '00123', 2901: '+5', 2902: '-7', 2903: ' 8 ', 2904: '', 2905: '9223372036854775807' }));
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3000 });
    expect(await typeOf(project, 'qty')).toBe('BIGINT');
    expect(await rows(platform, 'SELECT id, qty::VARCHAR AS qty FROM raw_sales.sales WHERE id BETWEEN 2899 AND 2906 ORDER BY id')).toEqual([
      { id: 2899, qty: '28990' }, { id: 2900, qty: '123' }, { id: 2901, qty: '5' }, { id: 2902, qty: '-7' },
      { id: 2903, qty: '8' }, { id: 2904, qty: null }, { id: 2905, qty: '9223372036854775807' }, { id: 2906, qty: '29060' },
    ]);
  });

  it('fail the sync naming file, column, type and value when a late value is a decimal, keeping the previous data', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    project.write('sales', 'a.csv', qtyFile(150));
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 150 });
    project.write('sales', 'b.csv', qtyFile(3000, { 2950: '1.5' }));
    const failed = await platform.sync('sales');
    expect(failed.status).toBe('failed');
    expect(failed.error_message).toMatch(/^b\.csv has a value that does not fit its column's type: column qty is BIGINT but holds '1\.5'; .*csv\.sample_size: -1/);
    expect(await rows(platform, 'SELECT count(*) AS n, sum(qty) AS s, count(DISTINCT _dango_file_id) AS f FROM raw_sales.sales')).toEqual([
      { n: 150, s: 111750, f: 1 },
    ]);
    const listing = await platform.listFiles('sales');
    expect(listing.files.map((f) => [f.filename, f.status])).toEqual([['a.csv', 'success'], ['b.csv', 'failed']]);
  });

  it('fail on a late value that is not a number at all, and on one too large for the type', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    project.write('sales', 'a.csv', qtyFile(3000, { 2980: '12abc' }));
    const platform = await project.open();
    expect((await platform.sync('sales')).error_message).toMatch(/^a\.csv .*column qty is BIGINT but holds '12abc'/);
    project.write('sales', 'a.csv', qtyFile(3000, { 2980: '99999999999999999999' }));
    expect((await platform.sync('sales')).error_message).toMatch(/^a\.csv has a value that does not fit its column's type: Could not convert string '99999999999999999999' to INT64 when casting from source column qty;/);
  });

  it('a file the sample covers loads on the direct path; its decimals were seen, so the column is DOUBLE', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    project.write('sales', 'a.csv', qtyFile(50, { 40: '1.5' }));
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 50 });
    expect(await typeOf(project, 'qty')).toBe('DOUBLE');
    expect(await rows(platform, 'SELECT qty FROM raw_sales.sales WHERE id = 40')).toEqual([{ qty: 1.5 }]);
    // The integer id column is parsed directly: the file is recorded as covered by the sample.
    project.write('sales', 'long.csv', qtyFile(3000));
    await platform.sync('sales');
    const seen = await rows<{ path: string; beyond: unknown }>(platform, `SELECT path, json_extract(read_options::JSON, '$.beyondSample') AS beyond FROM _dango.source_files ORDER BY path`);
    expect(seen.map((r) => [r.path, String(r.beyond)])).toEqual([['a.csv', 'false'], ['long.csv', 'true']]);
  });

  it('one sample read serves both checks: a DOUBLE column of long whole numbers becomes HUGEINT and a late decimal in an integer column still fails', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    const big = (i: number) => `1234567890123456789${String(i).padStart(4, '0')}`;
    const file = (late: Record<number, string>) =>
      ['id,qty,ref', ...Array.from({ length: 3000 }, (_, i) => `${i},${late[i] ?? i * 10},${big(i)}`)].join('\n') + '\n';
    project.write('sales', 'a.csv', file({}));
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3000 });
    expect(await typeOf(project, 'ref')).toBe('HUGEINT');
    expect(await typeOf(project, 'qty')).toBe('BIGINT');
    expect(await rows(platform, 'SELECT ref::VARCHAR AS ref FROM raw_sales.sales WHERE id = 2999')).toEqual([{ ref: big(2999) }]);
    project.write('sales', 'a.csv', file({ 2990: '7.25' }));
    expect((await platform.sync('sales')).error_message).toMatch(/^a\.csv .*column qty is BIGINT but holds '7\.25'/);
  });

  it('the row after the sample only counts: a longer whole number there does not turn HUGEINT into VARCHAR', async () => {
    project = await createProject({ sales: { sample_size: 100 } });
    // Rows 0-99 are the sample (20 digits: HUGEINT); row 100 holds 40 digits, which alone would have picked VARCHAR.
    const lines = Array.from({ length: 3000 }, (_, i) => `${i},${i === 100 ? '9'.repeat(40) : `${12345678901234567890n + BigInt(i)}`}`);
    project.write('sales', 'a.csv', ['id,ref', ...lines].join('\n') + '\n');
    const platform = await project.open();
    const result = await platform.sync('sales');
    expect(result.status).toBe('failed');
    expect(result.error_message).toMatch(/^a\.csv has a value that does not fit its column's type: Could not convert string '9{40}' to INT128/);
  });

  it('with sample_size -1 the whole file decides the digits and nothing is beyond the sample', async () => {
    project = await createProject({ sales: { sample_size: -1 } });
    const lines = Array.from({ length: 3000 }, (_, i) => `${i},${i === 2900 ? '9'.repeat(40) : `${12345678901234567890n + BigInt(i)}`}`);
    project.write('sales', 'a.csv', ['id,ref', ...lines].join('\n') + '\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 3000 });
    expect(await typeOf(project, 'ref')).toBe('VARCHAR');
    expect(await rows(platform, `SELECT ref FROM raw_sales.sales WHERE id = 2900`)).toEqual([{ ref: '9'.repeat(40) }]);
    const seen = await rows<{ beyond: unknown }>(platform, `SELECT json_extract(read_options::JSON, '$.beyondSample') AS beyond FROM _dango.source_files`);
    expect(seen.map((r) => String(r.beyond))).toEqual(['false']);
  });
});
