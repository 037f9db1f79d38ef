import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoError, DangoPlatform } from '../../src';
import { WatcherService } from '../../src/watcher/watcher-service';
import { csvRows, csvSource, once, pollUntil, tempProject } from './helpers';
import { ManualTimers, settleAfter as settleWatcherAfter } from './manual-timers';
import { RecordingActions } from './recording-actions';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

interface Setup {
  dir: string;
  platform: DangoPlatform;
  watcher: WatcherService;
  rec: RecordingActions;
  /** The watcher's timers: nothing fires until the test says so, so no step races a clock. */
  timers: ManualTimers;
  upload(source: string, name: string, text?: string): string;
  /** Waits until the watcher holds `n` changed files (it sets a timer on each), then fires timers until it is idle with none pending. */
  settleAfter(n: number): Promise<void>;
}

async function setup(options: { platform?: Record<string, unknown>; sources?: unknown[] } = {}): Promise<Setup> {
  const project = await tempProject({ sources: options.sources ?? [csvSource('sales'), csvSource('crm')], platform: options.platform });
  cleanups.push(project.cleanup);
  const platform = await DangoPlatform.open({ projectDir: project.dir, debounceSeconds: 1 });
  cleanups.push(() => platform.close());
  const rec = new RecordingActions(project.dir);
  const timers = new ManualTimers();
  const watcher = new WatcherService(platform.context, rec.actions, timers);
  cleanups.push(() => watcher.close());
  const upload = (source: string, name: string, text = csvRows(3)): string => {
    const dir = path.join(project.dir, 'data', 'uploads', source);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, name);
    writeFileSync(file, text);
    return file;
  };
  const settleAfter = (n: number): Promise<void> => settleWatcherAfter(watcher, timers, n);
  return { dir: project.dir, platform, watcher, rec, timers, upload, settleAfter };
}

describe('WatcherService', () => {
  it('reports its state and runs only while started', async () => {
    const { watcher } = await setup();
    expect(watcher.status()).toEqual({
      running: false, pid: null, auto_sync_enabled: true, auto_dbt_enabled: true, debounce_seconds: 1,
      watch_patterns: ['*.csv'], watch_directories: ['data/uploads'],
    });
    await watcher.start();
    expect(watcher.status()).toMatchObject({ running: true, pid: process.pid });
    await watcher.close();
    expect(watcher.status()).toMatchObject({ running: false, pid: null });
  });

  it('closes cleanly while still starting, and never starts after close', async () => {
    const { watcher } = await setup();
    const starting = watcher.start();
    await watcher.close();
    await starting;
    expect(watcher.status().running).toBe(false);
    await watcher.start();
    expect(watcher.status().running).toBe(false);
  });

  it('does not start when both auto_sync and auto_dbt are off', async () => {
    const { watcher, rec, timers, upload } = await setup({ platform: { auto_sync: false, auto_dbt: false } });
    await watcher.start();
    expect(watcher.status()).toMatchObject({ running: false, pid: null, auto_sync_enabled: false, auto_dbt_enabled: false });
    upload('sales', 'a.csv');
    await watcher.idle();
    expect(rec.calls).toEqual([]);
    expect(timers.delays).toEqual([]); // nothing was scheduled: nothing can follow
  });

  it('syncs exactly the source whose folder got the file, once, after announcing it', async () => {
    const { platform, watcher, rec, upload, settleAfter } = await setup();
    await watcher.start();
    const triggered = once(platform, 'watcher_triggered');
    upload('sales', 'orders.csv');
    await settleAfter(1);
    const event = await triggered;
    expect(event).toMatchObject({ sources: ['sales'], models: [], files: ['data/uploads/sales/orders.csv'] });
    expect(event.message).toContain('sales');
    expect(rec.syncs).toEqual(['sales']);
    expect(platform.logs().some((l) => l.type === 'watcher_triggered')).toBe(true);
  });

  it('turns a burst of 20 files into one sync', async () => {
    const { watcher, rec, upload, settleAfter } = await setup();
    await watcher.start();
    for (let i = 0; i < 20; i++) upload('sales', `part_${i}.csv`, csvRows(2, i * 10));
    await settleAfter(20);
    expect(rec.syncs).toEqual(['sales']);
  });

  it('ignores dot-files, temp files and other patterns, but sees an upload renamed into place', async () => {
    const { platform, watcher, rec, upload, dir, settleAfter } = await setup();
    await watcher.start();
    const hidden = upload('sales', '.upload-123.csv');
    upload('sales', 'report.csv.tmp');
    upload('sales', 'notes.txt');
    upload('sales', '~$draft.csv');
    mkdirSync(path.join(dir, 'data', 'uploads', 'sales', '.cache'), { recursive: true });
    upload('sales', '.cache/inner.csv');
    const triggered = once(platform, 'watcher_triggered');
    // Written after the ignored files: once it is pending, an ignored one would have been too.
    renameSync(hidden, path.join(path.dirname(hidden), 'final.csv'));
    await settleAfter(1);
    expect(watcher.pendingChanges).toBe(0);
    expect((await triggered).files).toEqual(['data/uploads/sales/final.csv']);
    expect(rec.syncs).toEqual(['sales']);
  });

  it('syncs every source touched by one batch, and ignores files that belong to no source', async () => {
    const { platform, watcher, rec, upload, settleAfter } = await setup({ sources: [csvSource('sales'), csvSource('crm'), csvSource('off', { enabled: false })] });
    await watcher.start();
    upload('crm', 'customers.csv');
    upload('sales', 'orders.csv');
    await settleAfter(2);
    expect(rec.syncs.sort()).toEqual(['crm', 'sales']);

    const logged = once(platform, 'log', (e) => e.message.includes('belong to no enabled source'));
    upload('off', 'x.csv');
    upload('nobody', 'y.csv');
    await settleAfter(2);
    expect((await logged).message).toContain('data/uploads/nobody/y.csv');
    expect(rec.calls).toHaveLength(2);
  });

  it('syncs a source when one of its files is deleted', async () => {
    const { watcher, rec, upload, settleAfter } = await setup();
    const file = upload('sales', 'old.csv');
    await watcher.start();
    await settleAfter(0); // the start's catch-up sync of the file nothing loaded yet
    expect(rec.syncs).toEqual(['sales']);
    rmSync(file);
    await settleAfter(1);
    expect(rec.syncs).toEqual(['sales', 'sales']);
  });

  it('follows a sync with exactly one more when files change while it runs', async () => {
    const { platform, watcher, rec, timers, upload, settleAfter } = await setup();
    await watcher.start();
    /** Fires the watcher's timers one by one until `check()` holds; `progress` resolves when the awaited step happened. */
    const fireUntil = async (check: () => boolean, progress: Promise<unknown>): Promise<void> => {
      for (let round = 0; !check(); round++) {
        expect(round).toBeLessThan(100);
        if (timers.delays.length > 0) timers.fireNext();
        else await Promise.race([timers.whenPending(), progress]);
      }
    };
    let release!: () => void;
    rec.gate = new Promise((r) => (release = r));
    upload('sales', 'a.csv');
    await timers.until(() => watcher.pendingChanges >= 1);
    await fireUntil(() => rec.calls.length === 1, rec.waitForCalls(1));
    // Two changes while the first sync is still running collapse into one follow-up.
    for (const name of ['b.csv', 'c.csv']) {
      let seen = false;
      const triggered = once(platform, 'watcher_triggered').then(() => (seen = true));
      upload('sales', name);
      await timers.until(() => watcher.pendingChanges >= 1);
      await fireUntil(() => seen, triggered);
    }
    expect(rec.calls).toHaveLength(1);
    rec.gate = null;
    release();
    await settleAfter(0);
    expect(rec.syncs).toEqual(['sales', 'sales']);
  });

  it('waits for a sync started elsewhere (CONFLICT) to finish, then syncs again', async () => {
    const { platform, watcher, rec, timers, upload } = await setup();
    await watcher.start();
    rec.failures.push(new DangoError('CONFLICT', "Source 'sales' is already syncing"));
    upload('sales', 'a.csv');
    await timers.until(() => watcher.pendingChanges >= 1);
    while (rec.calls.length === 0) await Promise.race([timers.whenPending().then(() => timers.fireNext()), rec.waitForCalls(1)]);
    // The watcher now waits for an event, not a timer: nothing is scheduled that could sync again.
    expect(timers.delays).toEqual([]);
    expect(watcher.status().running).toBe(true);
    // Another source finishing does not release it; this source's own end does.
    platform.context.emit('sync_completed', { source: 'crm', rows: 1, duration_seconds: 0, message: 'other source' });
    expect(rec.calls).toHaveLength(1);
    platform.context.emit('sync_completed', { source: 'sales', rows: 3, duration_seconds: 0, message: 'Sync completed: 3 rows' });
    await rec.waitForCalls(2);
    expect(rec.syncs).toEqual(['sales', 'sales']);
  });

  it('logs a warning and carries on when a sync cannot start', async () => {
    const { platform, watcher, rec, upload, settleAfter } = await setup();
    await watcher.start();
    rec.failures.push(new DangoError('NOT_FOUND', "Unknown source 'sales'"));
    const warned = once(platform, 'log', (e) => e.level === 'WARNING');
    upload('sales', 'a.csv');
    await settleAfter(1);
    expect((await warned).message).toBe("Automatic sync of sales failed: Unknown source 'sales'");
    upload('sales', 'b.csv');
    await settleAfter(1);
    expect(rec.syncs).toEqual(['sales', 'sales']);
  });

  it('drops pending changes on close and leaves no handle open', async () => {
    const { watcher, rec, timers, upload } = await setup();
    // Taken after setup: the platform's own handles live on until the test's cleanup closes it.
    const before = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap');
    await watcher.start();
    upload('sales', 'late.csv');
    await timers.until(() => watcher.pendingChanges === 1);
    await watcher.close();
    expect(watcher.status().running).toBe(false);
    expect(watcher.pendingChanges).toBe(0);
    expect(timers.delays).toEqual([]); // the debounce was cancelled: nothing can fire any more
    expect(rec.calls).toEqual([]);
    const count = (list: string[]) => list.reduce<Record<string, number>>((m, r) => ((m[r] = (m[r] ?? 0) + 1), m), {});
    const leaked = () => {
      const now = count(process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap'));
      return Object.entries(now).filter(([k, n]) => n > (count(before)[k] ?? 0));
    };
    // Closed fs.watch handles leave Node's list only in a later turn of the event loop (no event says when).
    await pollUntil(() => leaked().length === 0, 10_000);
    expect(leaked()).toEqual([]);
  });
});

describe('WatcherService and model files', () => {
  async function withModels(platformSettings: Record<string, unknown> = {}) {
    const s = await setup({ platform: platformSettings });
    const models = path.join(s.dir, 'dbt', 'models');
    mkdirSync(path.join(models, 'marts'), { recursive: true });
    mkdirSync(path.join(models, 'staging'), { recursive: true });
    writeFileSync(path.join(models, 'marts', 'revenue.sql'), 'select 1 as x\n');
    return { ...s, models };
  }

  it('runs an edited model and its descendants', async () => {
    const { platform, watcher, rec, models, settleAfter } = await withModels();
    await watcher.start();
    const triggered = once(platform, 'watcher_triggered');
    writeFileSync(path.join(models, 'marts', 'revenue.sql'), 'select 2 as x\n');
    await settleAfter(1);
    expect(await triggered).toMatchObject({ sources: [], models: ['revenue'], files: ['dbt/models/marts/revenue.sql'] });
    expect(rec.modelRuns).toEqual([['revenue+']]);
  });

  it('runs the models a changed YAML file documents', async () => {
    const { watcher, rec, models, settleAfter } = await withModels();
    await watcher.start();
    writeFileSync(path.join(models, 'marts', 'schema.yml'), 'version: 2\nmodels:\n  - name: revenue\n  - name: customers\nsources: []\n');
    await settleAfter(1);
    expect(rec.modelRuns).toEqual([['revenue+', 'customers+']]);
  });

  it('ignores generated staging files, unparsable YAML, editor temp files and deletions', async () => {
    const { watcher, rec, models, settleAfter } = await withModels();
    await watcher.start();
    writeFileSync(path.join(models, 'staging', 'stg_sales_orders.sql'), '-- dango:generated (remove this line to take ownership)\nselect 1\n');
    writeFileSync(path.join(models, 'staging', '_sales__sources.yml'), '# dango:generated\nversion: 2\nmodels:\n  - name: stg_sales_orders\n');
    writeFileSync(path.join(models, 'marts', 'broken.yml'), 'models: [unclosed\n');
    writeFileSync(path.join(models, 'marts', '.revenue.sql.swp'), 'x');
    writeFileSync(path.join(models, 'marts', 'notes.md'), '# notes');
    rmSync(path.join(models, 'marts', 'revenue.sql'));
    // The generated files and the broken YAML reach the debounce and are dropped when it fires.
    await settleAfter(3);
    expect(rec.calls).toEqual([]);
  });

  it('does not watch models when auto_dbt is off', async () => {
    const { watcher, rec, models, upload, settleAfter } = await withModels({ auto_dbt: false });
    await watcher.start();
    writeFileSync(path.join(models, 'marts', 'revenue.sql'), 'select 3 as x\n');
    upload('sales', 'a.csv');
    await settleAfter(1);
    expect(rec.calls).toEqual([{ kind: 'sync', arg: 'sales' }]);
  });

  it('does not watch data folders when auto_sync is off', async () => {
    const { watcher, rec, models, upload, settleAfter } = await withModels({ auto_sync: false });
    await watcher.start();
    upload('sales', 'a.csv');
    writeFileSync(path.join(models, 'marts', 'revenue.sql'), 'select 3 as x\n');
    await settleAfter(1);
    expect(rec.calls).toEqual([{ kind: 'models', arg: ['revenue+'] }]);
  });
});
