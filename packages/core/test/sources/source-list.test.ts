import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/platform';
import { createProject, csv, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

/** Warehouse reads issued by `call`, counted by the real warehouse. */
async function readsOf(platform: DangoPlatform, call: () => Promise<unknown>): Promise<number> {
  const before = platform.warehouse.queryCount;
  await call();
  return platform.warehouse.queryCount - before;
}

/** Every source's tables as the list reports them, and as count(*) finds them. */
async function listedAndActual(platform: DangoPlatform): Promise<{ listed: Record<string, number>; actual: Record<string, number> }> {
  const listed: Record<string, number> = {};
  const actual: Record<string, number> = {};
  for (const s of await platform.listSources()) {
    for (const t of s.tables) {
      listed[`${t.schema}.${t.name}`] = t.row_count;
      const [row] = await platform.warehouse.query<{ n: number }>(`SELECT count(*) AS n FROM "${t.schema}"."${t.name}"`);
      actual[`${t.schema}.${t.name}`] = row!.n;
    }
  }
  return { listed, actual };
}

const rowsOf = (n: number, from = 0): Array<Array<number>> => Array.from({ length: n }, (_, i) => [from + i, i * 10]);

describe('GET /api/sources cost', () => {
  it('issues one warehouse query whatever the number of sources, none until the next write, and details() likewise', async () => {
    const names = Array.from({ length: 12 }, (_, i) => `s${i}`);
    project = await createProject(Object.fromEntries(names.map((n) => [n, {}])));
    for (const n of names) project.write(n, 'a.csv', csv(['id', 'v'], rowsOf(3)));
    const platform = await project.open();

    await platform.sync('s0');
    await platform.sync('s1');
    const withTwo = await readsOf(platform, () => platform.listSources());
    for (const n of names.slice(2)) await platform.sync(n);
    const withTwelve = await readsOf(platform, () => platform.listSources());
    // Two reads: the recorded row counts and the file tracking (for pending files).
    expect(withTwo).toBe(2);
    expect(withTwelve).toBe(2);
    // A second sync of each source waits for the first one's deferred file hashing (a write of its own) and changes nothing.
    for (const n of names) expect((await platform.sync(n)).rows_processed).toBe(0);
    expect(await readsOf(platform, () => platform.listSources())).toBe(2);
    // Nothing was written since: the lists answer from what was read; details reads only s5's schema changes, once.
    expect(await readsOf(platform, () => Promise.all([platform.listSources(), platform.listSources(), platform.getSource('s5')]))).toBe(1);
    // Any write may have changed the tables: the next calls read once each what they share (counts,
    // tracking), and details its schema changes.
    await platform.warehouse.write((c) => c.run('CREATE TABLE marts_elsewhere AS SELECT 1 AS x'));
    expect(await readsOf(platform, () => Promise.all([platform.getSource('s5'), platform.listSources()]))).toBe(3);

    const list = await platform.listSources();
    expect(list).toHaveLength(12);
    expect(list.every((s) => s.status === 'synced' && s.row_count === 3)).toBe(true);
    expect(list[7]!.tables).toEqual([{ name: 's7', row_count: 3, schema: 'raw_s7' }]);
  });

  it('keeps counts right through syncs, deletes, full refresh, a failed sync and a model writing elsewhere', async () => {
    project = await createProject({ sales: {}, other: {} });
    project.write('sales', 'a.csv', csv(['id', 'v'], rowsOf(5)));
    const b = project.write('sales', 'b.csv', csv(['id', 'v'], rowsOf(3, 100)));
    project.write('other', 'x.csv', csv(['id', 'v'], rowsOf(2)));
    const platform = await project.open();
    const check = async (expected: Record<string, number>): Promise<void> => {
      const { listed, actual } = await listedAndActual(platform);
      expect(listed).toEqual(actual);
      expect(listed).toEqual(expected);
    };

    await platform.sync('sales');
    await platform.sync('other');
    await check({ 'raw_sales.sales': 8, 'raw_other.other': 2 });

    // An incremental sync: one file changed, one added.
    fs.writeFileSync(b, csv(['id', 'v'], rowsOf(1, 100)));
    fs.utimesSync(b, new Date(Date.now() + 10_000), new Date(Date.now() + 10_000));
    project.write('sales', 'c.csv', csv(['id', 'v'], rowsOf(4, 200)));
    await platform.sync('sales');
    await check({ 'raw_sales.sales': 10, 'raw_other.other': 2 });

    // A delete through the API removes its rows in a background sync.
    const done = new Promise((resolve) => platform.once('sync_completed', resolve));
    await platform.deleteFile('sales', 'c.csv');
    await done;
    await check({ 'raw_sales.sales': 6, 'raw_other.other': 2 });

    await platform.sync('sales', { fullRefresh: true });
    await check({ 'raw_sales.sales': 6, 'raw_other.other': 2 });

    // A sync that fails (its files vanished from disk: the empty-replace guard refuses) keeps the previous counts.
    for (const f of fs.readdirSync(project.sourceDir('other'))) fs.rmSync(path.join(project.sourceDir('other'), f));
    expect((await platform.sync('other')).status).toBe('failed');
    await check({ 'raw_sales.sales': 6, 'raw_other.other': 2 });
    expect((await platform.listSources()).find((s) => s.name === 'other')!.status).toBe('failed');

    // A model writing into another schema changes nothing the list reports.
    const models = path.join(project.dir, 'dbt', 'models', 'marts');
    fs.mkdirSync(models, { recursive: true });
    fs.writeFileSync(path.join(models, 'numbers.sql'), 'select range as i from range(1000)\n');
    expect((await platform.transform({ select: ['numbers'] })).success).toBe(true);
    expect(await platform.warehouse.query('SELECT count(*) AS n FROM marts.numbers')).toEqual([{ n: 1000 }]);
    await check({ 'raw_sales.sales': 6, 'raw_other.other': 2 });
  });

  it('counts tables no load recorded (a warehouse from an earlier version) once, then records them', async () => {
    project = await createProject({ sales: {} });
    project.write('sales', 'a.csv', csv(['id', 'v'], rowsOf(7)));
    let platform = await project.open();
    await platform.sync('sales');
    // An earlier version kept no counts: drop them, and add a table written outside any sync.
    await platform.warehouse.write((c) => c.run('DROP TABLE _dango.table_rows; CREATE TABLE raw_sales.extra AS SELECT range AS i FROM range(4)'));
    await platform.close();
    platform = await project.open();

    const expected = [
      { name: 'extra', row_count: 4, schema: 'raw_sales' },
      { name: 'sales', row_count: 7, schema: 'raw_sales' },
    ];
    expect((await platform.listSources())[0]!.tables).toEqual(expected);
    // The backfill runs on the write queue, which is first in, first out.
    await platform.warehouse.write(async () => undefined);
    // (two reads: the row counts and the file tracking)
    expect(await readsOf(platform, async () => expect((await platform.listSources())[0]!.tables).toEqual(expected))).toBe(2);
  });

  it('reports unknown when the warehouse cannot be read', async () => {
    project = await createProject({ sales: {} });
    const platform = await project.open();
    await platform.warehouse.close();
    expect((await platform.listSources())[0]).toMatchObject({ name: 'sales', status: 'unknown', tables: [], row_count: 0 });
  });
});

describe('sync history cache', () => {
  it('reads a source history file once, and again after its next sync', async () => {
    project = await createProject({ sales: {} });
    project.write('sales', 'a.csv', csv(['id', 'v'], rowsOf(2)));
    const platform = await project.open();
    const first = await platform.sync('sales');
    expect((await platform.listSources())[0]!.last_sync).toBe(first.finished_at);

    // Removing the file behind the cache's back shows the list no longer reads it per request.
    const file = path.join(project.dir, '.dango', 'history', 'sales.jsonl');
    fs.rmSync(file);
    expect((await platform.listSources())[0]!.last_sync).toBe(first.finished_at);

    project.write('sales', 'b.csv', csv(['id', 'v'], rowsOf(1, 50)));
    const second = await platform.sync('sales');
    const [summary] = await platform.listSources();
    expect(summary!.last_sync).toBe(second.finished_at);
    expect((await platform.getSource('sales')).history.map((h) => h.timestamp)).toEqual([second.finished_at]);
  });
});
