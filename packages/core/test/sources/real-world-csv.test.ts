import { afterEach, describe, expect, it } from 'vitest';
import { createProject, csv, rows, type TestProject } from './helpers';

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
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 0 });
    expect(await columnNames(project)).toEqual(['id', 'v', '_dango_file', '_dango_loaded_at']);
    const listing = await platform.listFiles('sales');
    expect(listing.files.map((f) => [f.filename, f.status, f.rows_loaded])).toEqual([
      ['a.csv', 'success', 1], ['blank.csv', 'success', 0], ['bom-only.csv', 'success', 0],
    ]);
  });
});
