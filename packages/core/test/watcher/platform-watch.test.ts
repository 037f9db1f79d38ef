import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src';
import { WRITE_FINISH_MS } from '../../src/watcher/watcher-service';
import { csvRows, csvSource, once, openStepped, pollUntil, record, tempProject, type SteppedPlatform } from './helpers';
import { stepUntil } from './manual-timers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Watched extends SteppedPlatform {
  dir: string;
  put(source: string, name: string, text: string): string;
}

async function watched(debounceSeconds = 1): Promise<Watched> {
  const project = await tempProject({ sources: [csvSource('sales'), csvSource('crm')], platform: { auto_dbt: false } });
  cleanups.push(project.cleanup);
  const stepped = await openStepped(project.dir, debounceSeconds);
  cleanups.push(() => stepped.platform.close());
  const put = (source: string, name: string, text: string): string => {
    const dir = path.join(project.dir, 'data', 'uploads', source);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  return { ...stepped, dir: project.dir, put };
}

async function rowCount(platform: DangoPlatform, table: string): Promise<number> {
  const [r] = await platform.warehouse.query<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM ${table}`);
  return r!.n;
}

describe('DangoPlatform.open({ watch: true })', () => {
  it('loads a dropped CSV by itself: one sync of the right source, rows in the warehouse', async () => {
    const { platform, put, timers, settleAfter } = await watched();
    expect(platform.watcherStatus()).toMatchObject({ running: true, pid: process.pid, debounce_seconds: 1 });
    const events = record(platform, ['sync_started', 'watcher_triggered']);
    const completed = once(platform, 'sync_completed');
    put('sales', 'orders_1.csv', csvRows(25));
    await settleAfter(1);
    expect(await completed).toMatchObject({ source: 'sales', rows: 25 });
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(25);
    expect(timers.delays).toEqual([]); // settled with nothing scheduled: nothing more can follow
    // A late duplicate event for the same file (chokidar may send 'change' after 'add') may be announced
    // again once the debounce fires; what matters is that it starts no second sync.
    const shown = events.map((e) => `${e.type}:${e.source ?? (e.sources as string[]).join()}`);
    expect(shown.slice(0, 2)).toEqual(['watcher_triggered:sales', 'sync_started:sales']);
    expect(new Set(shown)).toEqual(new Set(['watcher_triggered:sales', 'sync_started:sales']));
    expect(shown.filter((e) => e.startsWith('sync_started'))).toHaveLength(1);
    expect(platform.logs().map((l) => l.message)).toEqual(expect.arrayContaining([expect.stringMatching(/^File watcher: 1 changed file\(s\), syncing sales$/), 'Starting sync for sales']));
  });

  it('removes the rows of a deleted file', async () => {
    const { platform, put, settleAfter } = await watched();
    const first = once(platform, 'sync_completed');
    const gone = put('sales', 'a.csv', csvRows(10, 1));
    put('sales', 'b.csv', csvRows(5, 100));
    await settleAfter(2); // both files in one debounced batch
    expect((await first).rows).toBe(15);
    const second = once(platform, 'sync_completed');
    rmSync(gone);
    await settleAfter(1);
    await second;
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(5);
    const files = await platform.warehouse.query<{ f: string }>('SELECT DISTINCT _dango_file AS f FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id)');
    expect(files.map((r) => r.f)).toEqual(['b.csv']);
  });

  it('does not sync again for a file an API upload already loaded', async () => {
    const { platform, timers, settleAfter } = await watched();
    const events = record(platform, ['sync_started', 'watcher_triggered']);
    const completed = once(platform, 'sync_completed');
    await platform.uploadFile('sales', { filename: 'up.csv', data: Buffer.from(csvRows(7)) }, { triggerSync: true });
    expect((await completed).rows).toBe(7);
    // The watcher sees the uploaded file and, once its debounce fires, finds it already loaded.
    await settleAfter(1);
    expect(timers.delays).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['sync_started']);
    expect(platform.logs().map((l) => l.message)).toContain('File watcher: changes in sales are already loaded');
  });

  it('follows a sync that was running when a file arrived with one more sync, losing nothing', async () => {
    const { platform, put, timers, settle } = await watched();
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
    // The debounce and the stability wait fire while the sync is held: the watcher's own sync meets it.
    expect((await stepUntil(timers, triggered)).sources).toEqual(['sales']);
    release();
    await held;
    expect((await running.done).rows_processed).toBe(10);
    const followUp = once(platform, 'sync_completed', (e) => e.rows === 4);
    await followUp;
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(14);
    await settle();
    expect(timers.delays).toEqual([]);
    expect(events.map((e) => e.type)).toEqual(['sync_completed', 'sync_started', 'sync_completed']);
  });

  it('loads a slowly written file only once it is complete', async () => {
    // A debounce (2 s) that differs from the stability wait (1 s), so the test can tell which timer is pending.
    const { dir, platform, timers, idle, settle } = await watched(2);
    const started = record(platform, ['sync_started']);
    mkdirSync(path.join(dir, 'data', 'uploads', 'sales'), { recursive: true });
    const handle = await open(path.join(dir, 'data', 'uploads', 'sales', 'slow.csv'), 'w');
    await handle.write('id,name,amount\n');
    await timers.until(() => timers.setCount > 0); // the watcher saw the file appear
    // A slow copy: rows keep coming, and each change the watcher sees restarts its one debounce timer.
    for (let i = 1; i <= 30; i++) await handle.write(`${i},n${i},${i}\n`);
    expect(timers.delays).toEqual([2000]);
    // The copy stalls past the debounce: the watcher waits for the file to keep still (a change it had
    // not seen yet sends the file back to the debounce first)...
    for (timers.fireNext(); ; timers.fireNext()) {
      await timers.whenPending();
      if (timers.delays[0] === WRITE_FINISH_MS) break;
    }
    // ...but a row lands meanwhile, so the file goes back to waiting instead of being loaded half-written.
    await handle.write('31,n31,31\n');
    expect(timers.fireNext()).toBe(WRITE_FINISH_MS);
    await idle();
    expect(started).toHaveLength(0);
    expect(timers.delays).toContain(2000); // back in the debounce
    const completed = once(platform, 'sync_completed');
    await handle.close();
    await settle();
    expect((await completed).rows).toBe(31);
    expect(await rowCount(platform, 'raw_sales.sales')).toBe(31);
    expect(started).toHaveLength(1);
  });

  it('records a malformed drop as a failed sync and keeps watching', async () => {
    const { platform, put, settleAfter } = await watched();
    const failed = once(platform, 'sync_failed');
    put('crm', 'bad.csv', 'id,name\n1,"unbalanced\n2,ok\n');
    await settleAfter(1);
    expect((await failed).source).toBe('crm');
    const completed = once(platform, 'sync_completed', (e) => e.source === 'sales');
    put('sales', 'good.csv', csvRows(3));
    await settleAfter(1);
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
