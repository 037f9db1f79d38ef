import { afterEach, describe, expect, it } from 'vitest';
import { createProject, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

const days = (p: TestProject, column = 'd'): Promise<Array<{ id: number; v: string }>> =>
  rows(p.platform!, `SELECT id, strftime(${column}, '%Y-%m-%d %H:%M') AS v FROM raw_sales.sales ORDER BY id`);

describe('one source, one interpretation of a date (issue 10, item 4)', () => {
  it('reads 02/01/2024 in a later file with the format an earlier file chose, also after a restart', async () => {
    project = await createProject();
    // 01/13/2024 makes the sniffer choose month-first for a.csv; alone, 02/01/2024 would be sniffed day-first.
    project.write('sales', 'a.csv', 'id,d\n1,01/13/2024\n2,02/01/2024\n');
    let platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', 'id,d\n3,02/01/2024\n');
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 1 });
    await platform.close();
    platform = await project.open();
    project.write('sales', 'c.csv', 'id,d\n4,03/01/2024\n');
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 1 });
    expect(await days(project)).toEqual([
      { id: 1, v: '2024-01-13 00:00' }, { id: 2, v: '2024-02-01 00:00' }, { id: 3, v: '2024-02-01 00:00' }, { id: 4, v: '2024-03-01 00:00' },
    ]);
  });

  it('applies the first file\'s format to the others of the same sync', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', 'id,d\n1,01/13/2024\n');
    project.write('sales', 'b.csv', 'id,d\n2,02/01/2024\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await days(project)).toEqual([{ id: 1, v: '2024-01-13 00:00' }, { id: 2, v: '2024-02-01 00:00' }]);
  });

  it('fails a timestamp that contradicts csv.timestamp_format (DuckDB\'s sniffer itself only tries day-first timestamps)', async () => {
    project = await createProject({ sales: { timestamp_format: '%m/%d/%Y %H:%M:%S' } });
    project.write('sales', 'a.csv', 'id,t\n1,01/13/2024 10:00:00\n2,02/01/2024 11:30:00\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await days(project, 't')).toEqual([{ id: 1, v: '2024-01-13 10:00' }, { id: 2, v: '2024-02-01 11:30' }]);
    project.write('sales', 'b.csv', 'id,t\n3,13/02/2024 09:00:00\n');
    expect((await platform.sync('sales')).error_message).toBe(
      'b.csv: column t holds timestamps in the format %d/%m/%Y %H:%M:%S, but this source reads timestamps as %m/%d/%Y %H:%M:%S (csv.timestamp_format); ' +
        'fix the file, or set csv.timestamp_format in .dango/sources.yml and run a full refresh',
    );
  });

  it('fails a file that contradicts the chosen format, naming file, column and both formats, and keeps the data', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', 'id,d\n1,01/13/2024\n');
    const platform = await project.open();
    await platform.sync('sales');
    project.write('sales', 'b.csv', 'id,d\n2,13/01/2024\n');
    const r = await platform.sync('sales');
    expect(r.status).toBe('failed');
    expect(r.error_message).toBe(
      'b.csv: column d holds dates in the format %d/%m/%Y, but this source reads dates as %m/%d/%Y (chosen for a.csv); ' +
        'fix the file, or set csv.date_format in .dango/sources.yml and run a full refresh',
    );
    expect(await days(project)).toEqual([{ id: 1, v: '2024-01-13 00:00' }]);
  });

  it('keeps the file\'s own format when it cannot be confused with the chosen one (ISO dates)', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', 'id,d\n1,01/13/2024\n');
    project.write('sales', 'b.csv', 'id,d\n2,2024-02-01\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 2 });
    expect(await days(project)).toEqual([{ id: 1, v: '2024-01-13 00:00' }, { id: 2, v: '2024-02-01 00:00' }]);
  });

  it('csv.date_format and csv.timestamp_format set the formats explicitly', async () => {
    project = await createProject({ sales: { date_format: '%m/%d/%Y', timestamp_format: '%m/%d/%Y %H:%M' } });
    project.write('sales', 'a.csv', 'id,d,t\n1,02/01/2024,03/01/2024 10:30\n');
    const platform = await project.open();
    expect(await platform.sync('sales')).toMatchObject({ status: 'success', rows_processed: 1 });
    expect(await days(project)).toEqual([{ id: 1, v: '2024-02-01 00:00' }]);
    expect(await days(project, 't')).toEqual([{ id: 1, v: '2024-03-01 10:30' }]);
    project.write('sales', 'b.csv', 'id,d\n2,25/01/2024\n');
    const r = await platform.sync('sales');
    expect(r.error_message).toBe(
      'b.csv: column d holds dates in the format %d/%m/%Y, but this source reads dates as %m/%d/%Y (csv.date_format); ' +
        'fix the file, or set csv.date_format in .dango/sources.yml and run a full refresh',
    );
  });

  it('refuses a date_format that is not a format', async () => {
    project = await createProject({ sales: { date_format: 'dd/mm/yyyy' } });
    const platform = await project.open();
    expect(() => platform.startSync('sales')).toThrow(/csv\.date_format must be a strftime format such as "%d\/%m\/%Y"/);
  });
});
