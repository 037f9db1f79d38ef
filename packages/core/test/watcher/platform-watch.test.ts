import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { csvRows, csvSource, once, pollUntil, record, tempProject } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NO_MORE_MS = 2500;

async function watched(): Promise<{ dir: string; platform: DangoPlatform; put(source: string, name: string, text: string): string }> {
  const project = await tempProject({ sources: [csvSource('sales'), csvSource('crm')], platform: { auto_dbt: false } });
  cleanups.push(project.cleanup);
  const platform = await DangoPlatform.open({ projectDir: project.dir, watch: true, debounceSeconds: 1 });
  cleanups.push(() => platform.close());
  const put = (source: string, name: string, text: string): string => {
    const dir = path.join(project.dir, 'data', 'uploads', source);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  return { dir: project.dir, platform, put };
}

async function rowCount(platform: DangoPlatform, table: string): Promise<number> {
  const [r] = await platform.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return r!.n;
}

describe('DangoPlatform.open({ watch: true })', () => {
  it('loads a dropped CSV by itself: one sync of the right source, rows in the warehouse', async () => {
    const { platform, put } = await watched();
    expect(platform.watcherStatus()).toMatchObject({ running: true, pid: process.pid, debounce_seconds: 1 });
    const events = record(platform, ['sync_started', 'watcher_triggered']);
    const completed = once(platform, 'sync_completed');
    put('sales', 'orders_1.csv', csvRows(25));
    expect(await completed).toMatchObject({ source: 'sales', rows: 25 });
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(25);
    expect(await pollUntil(() => events.length > 2, NO_MORE_MS)).toBe(false);
    expect(events.map((e) => `${e.type}:${e.source ?? (e.sources as string[]).join()}`)).toEqual(['watcher_triggered:sales', 'sync_started:sales']);
    expect(platform.logs().map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^File watcher: 1 changed file\(s\), syncing sales$/), 'Starting sync for sales']));
  });

  it('removes the rows of a deleted file', async () => {
    const { platform, put } = await watched();
    const first = once(platform, 'sync_completed');
    const gone = put('sales', 'a.csv', csvRows(10, 1));
    put('sales', 'b.csv', csvRows(5, 100));
    expect((await first).rows).toBe(15);
    const second = once(platform, 'sync_completed');
    rmSync(gone);
    await second;
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(5);
    const files = await platform.warehouse.query<{ f: string }>('SELECT DISTINCT _dango_file AS f FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id)');
    expect(files.map((r) => r.f)).toEqual(['b.csv']);
  });

  it('does not sync again for a file an API upload already loaded', async () => {
    const { platform } = await watched();
    // The watcher may still announce the change if its timer fires mid-sync; what matters is no second sync.
    const events = record(platform, ['sync_started']);
    const completed = once(platform, 'sync_completed');
    await platform.uploadFile('sales', { filename: 'up.csv', data: Buffer.from(csvRows(7)) }, { triggerSync: true });
    expect((await completed).rows).toBe(7);
    expect(await pollUntil(() => events.length > 1, NO_MORE_MS)).toBe(false);
    expect(events).toHaveLength(1);
  });

  it('follows a sync that was running when a file arrived with one more sync, losing nothing', async () => {
    const { platform, put } = await watched();
    put('sales', 'a.csv', csvRows(10, 1));
    // Hold the write queue so the sync below is running (files scanned, load queued) when b.csv lands.
    let release!: () => void;
    const held = platform.warehouse.write(() => new Promise<void>((r) => (release = r)));
    const started = once(platform, 'sync_started');
    const running = platform.startSync('sales');
    await started;
    expect(await pollUntil(() => platform.warehouse.pendingWrites === 2, 10_000)).toBe(true);
    const events = record(platform, ['sync_started', 'sync_completed']);
    const triggered = once(platform, 'watcher_triggered');
    put('sales', 'b.csv', csvRows(4, 100));
    expect((await triggered).sources).toEqual(['sales']);
    release();
    await held;
    expect((await running.done).rows_processed).toBe(10);
    const followUp = once(platform, 'sync_completed', (e) => e.rows === 4);
    await followUp;
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(14);
    expect(events.map((e) => e.type)).toEqual(['sync_completed', 'sync_started', 'sync_completed']);
    expect(await pollUntil(() => events.length > 3, NO_MORE_MS)).toBe(false);
  });

  it('loads a slowly written file only once it is complete', async () => {
    const { dir, platform } = await watched();
    const started = record(platform, ['sync_started']);
    mkdirSync(path.join(dir, 'data', 'uploads', 'sales'), { recursive: true });
    const handle = await open(path.join(dir, 'data', 'uploads', 'sales', 'slow.csv'), 'w');
    await handle.write('id,name,amount\n');
    // A slow copy: a row every 100 ms for three debounce periods; no sync may start meanwhile.
    for (let i = 1; i <= 30; i++) {
      await handle.write(`${i},n${i},${i}\n`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(started).toHaveLength(0);
    const completed = once(platform, 'sync_completed');
    await handle.close();
    expect((await completed).rows).toBe(30);
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(30);
    expect(started).toHaveLength(1);
  });

  it('records a malformed drop as a failed sync and keeps watching', async () => {
    const { platform, put } = await watched();
    const failed = once(platform, 'sync_failed');
    put('crm', 'bad.csv', 'id,name\n1,"unbalanced\n2,ok\n');
    expect((await failed).source).toBe('crm');
    const completed = once(platform, 'sync_completed', (e) => e.source === 'sales');
    put('sales', 'good.csv', csvRows(3));
    expect((await completed).rows).toBe(3);
    const health = await platform.health();
    expect(health.sync_failures.map((f) => f.source)).toEqual(['crm']);
  });

  it('stops watching on close', async () => {
    const { platform } = await watched();
    await platform.close();
    expect(platform.watcherStatus()).toMatchObject({ running: false, pid: null });
  });
});
