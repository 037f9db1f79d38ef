import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { bumpMtime, createProject, csv, recordEvents, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

describe('CSV sync', () => {
  it('loads a CSV with lineage columns, records history, status and events', async () => {
    project = await createProject({ sales: {} });
    project.write('sales', 'a.csv', csv(['id', 'amount', 'day'], [[1, 9.5, '2024-01-01'], [2, 3.25, '2024-01-02']]));
    const platform = await project.open();
    expect((await platform.listSources())[0]).toMatchObject({ name: 'sales', status: 'not_synced', row_count: 0, last_sync: null, freshness: { last_update: null, days_old: null } });

    const events = recordEvents(platform, ['sync_started', 'sync_progress', 'sync_completed', 'sync_failed']);
    const result = await platform.sync('sales');
    expect(result).toMatchObject({ source_name: 'sales', status: 'success', rows_processed: 2, full_refresh: false, error_message: null });
    expect(result.files).toEqual({ loaded: ['a.csv'], removed: [], unchanged: 0 });

    const data = await rows(platform, 'SELECT id, amount, day, _dango_file, typeof(_dango_loaded_at) AS t FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) ORDER BY id');
    expect(data).toEqual([
      { id: 1, amount: 9.5, day: expect.anything(), _dango_file: 'a.csv', t: 'TIMESTAMP WITH TIME ZONE' },
      { id: 2, amount: 3.25, day: expect.anything(), _dango_file: 'a.csv', t: 'TIMESTAMP WITH TIME ZONE' },
    ]);
    expect(events.map((e) => e.type)).toEqual(['sync_started', 'sync_progress', 'sync_progress', 'sync_progress', 'sync_completed']);
    const size = fs.statSync(`${project.sourceDir('sales')}/a.csv`).size;
    expect(events.slice(1, 4)).toMatchObject([
      { source: 'sales', file: 'a.csv', step: 'loading', message: 'Loading a.csv' },
      { source: 'sales', step: 'reading', bytes: size, total_bytes: size },
      { source: 'sales', file: 'a.csv', step: 'loaded', rows: 2, message: 'Loaded a.csv: 2 rows' },
    ]);
    expect(events[0]).toMatchObject({ source: 'sales', message: 'Starting sync for sales' });
    expect(events.at(-1)).toMatchObject({ source: 'sales', rows: 2, message: 'Sync completed: 2 rows' });

    const [summary] = await platform.listSources();
    expect(summary).toMatchObject({
      name: 'sales', type: 'csv', enabled: true, status: 'synced', row_count: 2,
      tables: [{ name: 'sales', row_count: 2, schema: 'raw_sales' }],
      freshness: { days_old: 0 },
    });
    expect(summary!.last_sync).toBe(result.finished_at);
    const details = await platform.getSource('sales');
    expect(details.history).toHaveLength(1);
    expect(details.history[0]).toMatchObject({ status: 'success', rows_processed: 2, full_refresh: false, error_message: null });
    expect(details.config).toMatchObject({ name: 'sales', type: 'csv', csv: { directory: 'data/uploads/sales', file_pattern: '*.csv' } });
    const history = fs.readFileSync(`${project.dir}/.dango/history/sales.jsonl`, 'utf8').trim().split('\n');
    expect(history).toHaveLength(1);

    const logs = await platform.sourceLogs('sales');
    expect(logs.map((l) => [l.level, l.message])).toContainEqual(['INFO', 'Starting sync for sales']);
    expect(logs.at(-1)).toMatchObject({ level: 'SUCCESS', message: 'Sync completed: 2 rows' });
  });

  it('does not re-read unchanged files, replaces rows of changed files and removes rows of vanished files', async () => {
    project = await createProject({ sales: {} });
    const a = project.write('sales', 'a.csv', csv(['id', 'v'], [[1, 10], [2, 20]]));
    const b = project.write('sales', 'b.csv', csv(['id', 'v'], [[3, 30]]));
    const c = project.write('sales', 'c.csv', csv(['id', 'v'], [[4, 40]]));
    const platform = await project.open();
    expect((await platform.sync('sales')).rows_processed).toBe(4);

    const second = await platform.sync('sales');
    expect(second).toMatchObject({ status: 'success', rows_processed: 0, files: { loaded: [], removed: [], unchanged: 3 } });

    fs.writeFileSync(b, csv(['id', 'v'], [[3, 31], [5, 50]]));
    bumpMtime(b);
    fs.rmSync(c);
    const third = await platform.sync('sales');
    expect(third).toMatchObject({ status: 'success', rows_processed: 2, files: { loaded: ['b.csv'], removed: ['c.csv'], unchanged: 1 } });
    expect(await rows(platform, 'SELECT id, v, _dango_file AS f FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) ORDER BY id')).toEqual([
      { id: 1, v: 10, f: 'a.csv' }, { id: 2, v: 20, f: 'a.csv' }, { id: 3, v: 31, f: 'b.csv' }, { id: 5, v: 50, f: 'b.csv' },
    ]);

    // Same content, new mtime: nothing is re-read (a.csv was hashed after its first load, b.csv during its reload).
    bumpMtime(a, 20);
    bumpMtime(b, 20);
    expect((await platform.sync('sales')).files).toEqual({ loaded: [], removed: [], unchanged: 2 });
  });
});
