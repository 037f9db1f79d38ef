import { afterEach, describe, expect, it } from 'vitest';
import { createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

async function columnNames(p: TestProject, table = 'raw_sales.sales'): Promise<string[]> {
  return (await rows<{ column_name: string }>(p.platform!, `DESCRIBE ${table}`)).map((c) => c.column_name);
}

const rowsOf = (n: number): string => Array.from({ length: n }, (_, i) => `${i + 1},${i + 1}.5,n${i + 1}`).join('\n');

describe('a line whose number of fields differs from the header (issue 10, item 1)', () => {
  // Every shape fails naming the file and the line, and no row, column or table of the file appears.
  const shapes: Array<[string, string, number, string]> = [
    ['a wider last line', 'id,name\n3,c\n4,d,e\n', 3, 'more than the 2 fields of the first line (`4,d,e`)'],
    ['a wider line in the middle', 'id,name\n1,a\n2,b,x\n3,c\n', 3, 'more than the 2 fields of the first line (`2,b,x`)'],
    ['a narrower line in the middle', 'id,name\n1,a\n2\n3,c\n', 3, '1 field where the first line has 2 (`2`)'],
    ['a narrower last line', 'id,name\n1,a\n2,b\nTotal\n', 4, '1 field where the first line has 2 (`Total`)'],
    ['a footer after one row', `id,amount,note\n${rowsOf(1)}\nTotal,,12345.5,exported by tool\n`, 3, 'more than the 3 fields of the first line (`Total,,12345.5,exported by tool`)'],
    ['a footer after 2,000 rows', `id,amount,note\n${rowsOf(2000)}\nTotal,,12345.5,exported by tool\n`, 2002, 'more than the 3 fields of the first line (`Total,,12345.5,exported by tool`)'],
    ['a header and a footer only', 'id,amount,note\nTotal,,12345.5,exported by tool\n', 2, 'more than the 3 fields of the first line (`Total,,12345.5,exported by tool`)'],
    ['a CRLF file with a footer', 'id,name\r\n1,a\r\n2,b\r\nTotal,,9\r\n', 4, 'more than the 2 fields of the first line (`Total,,9`)'],
    ['a wider first data line', 'id,name\n1,a,x\n2,b\n3,c\n', 2, 'more than the 2 fields of the first line (`1,a,x`)'],
    ['every row wider than the header', 'id,name\n1,a,x\n2,b,y\n3,c,z\n', 2, 'more than the 2 fields of the first line (`1,a,x`)'],
    ['a semicolon file with a footer', 'id;name\n1;a\n2;b\nTotal;;9;x\n', 4, 'more than the 2 fields of the first line (`Total;;9;x`)'],
    // DuckDB numbers records: the quoted value spanning two lines counts once, and the quoted text says which line is meant.
    ['a quoted file with a footer', 'id,name\n1,"a, b"\n2,"c\nd"\n3,e\n"Total",,9\n', 5, 'more than the 2 fields of the first line (`"Total",,9`)'],
  ];
  for (const [label, text, line, detail] of shapes) {
    it(`${label}: fails naming file and line ${line}`, async () => {
      project = await createProject();
      project.write('sales', 'a.csv', text);
      const platform = await project.open();
      const r = await platform.sync('sales');
      expect(r.status).toBe('failed');
      expect(r.error_message).toBe(
        `a.csv is not valid CSV (line ${line}): rows have different numbers of columns: line ${line} has ${detail}; ` +
          'remove or fix that line (e.g. a title or total line an export added)',
      );
      expect(await rows(platform, `SELECT count(*)::INT AS n FROM information_schema.tables WHERE table_schema = 'raw_sales' AND table_name = 'sales'`)).toEqual([{ n: 0 }]);
    });
  }

  it('keeps the rows of earlier files and adds no column when a later file has a footer', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id', 'amount', 'note'], [[1, 1.5, 'x']]));
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', `id,amount,note\n${rowsOf(30)}\nTotal,,12345.5,exported by tool\n`);
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^b\.csv is not valid CSV \(line 32\)/);
    expect(await columnNames(project)).toEqual(['id', 'amount', 'note', '_dango_file_id', '_dango_loaded_at']);
    expect(await rows(platform, 'SELECT id, note FROM raw_sales.sales')).toEqual([{ id: 1, note: 'x' }]);
  });

  it('a footer beyond the sniffer sample fails naming its line too', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', `id,amount,note\n${rowsOf(25000)}\nTotal,,12345.5,exported by tool\n`);
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toMatch(/^a\.csv is not valid CSV \(line 25002\)/);
  });

  it('title and comment lines above the header are a preamble, not a mismatch', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', 'Sales report\nGenerated 2024-01-01 by tool\nid,name\n1,a\n2,b\n');
    project.write('sales', 'b.csv', '# exported by tool\n# second comment\nid,name\n3,c\n4,d\n');
    const platform = await project.open();
    const r = await platform.sync('sales');
    expect(r.error_message ?? null).toBeNull();
    expect(r).toMatchObject({ status: 'success', rows_processed: 4 });
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }, { id: 3, name: 'c' }, { id: 4, name: 'd' }]);
  });

  it('blank lines before the header are not a structural mismatch', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', '\n\nid,name\n1,a\n2,b\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await rows(platform, 'SELECT id, name FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]);
  });
});
