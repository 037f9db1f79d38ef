import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { WatcherService, WRITE_FINISH_MS } from '../../src/watcher/watcher-service';
import { csvSource, tempProject } from './helpers';
import { ManualTimers } from './manual-timers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function openProject(): Promise<{ dir: string; platform: DangoPlatform }> {
  const project = await tempProject({ sources: [csvSource('sales')] });
  cleanups.push(project.cleanup);
  // A 2 s debounce, so its timer and the 1 s stability wait are told apart by their delays.
  const platform = await DangoPlatform.open({ projectDir: project.dir, debounceSeconds: 2 });
  cleanups.push(() => platform.close());
  mkdirSync(path.join(project.dir, 'data', 'uploads', 'sales'), { recursive: true });
  return { dir: project.dir, platform };
}

describe('a file still being written', () => {
  it('is synced only once it kept its size and mtime through the stability wait after the debounce', async () => {
    const { dir, platform } = await openProject();
    const file = path.join(dir, 'data', 'uploads', 'sales', 'slow.csv');
    const seenBySync: string[] = [];
    let synced!: () => void;
    const firstSync = new Promise<void>((resolve) => (synced = resolve));
    const timers = new ManualTimers();
    const watcher = new WatcherService(
      platform.context,
      {
        syncSource: async () => {
          seenBySync.push(readFileSync(file, 'utf8'));
          synced();
        },
        runModels: async () => undefined,
      },
      timers,
    );
    cleanups.push(() => watcher.close());
    await watcher.start();

    // A copy that stalls mid-value, past the debounce.
    writeFileSync(file, 'id,amount\n1,9');
    for (;;) {
      await timers.whenPending();
      if (timers.delays.includes(WRITE_FINISH_MS)) break; // the debounce fired; the stability wait runs
      timers.fireNext();
    }
    appendFileSync(file, '99999.75\n'); // the copy goes on during the wait
    while (timers.delays[0] !== WRITE_FINISH_MS) timers.fireNext(); // a debounce restarted by the append's event, if it came already
    timers.fireNext();

    // From here on every timer may fire: the only sync must see the finished file.
    for (let round = 0; seenBySync.length === 0; round++) {
      expect(round).toBeLessThan(20);
      const next = await Promise.race([firstSync.then(() => 'synced' as const), timers.whenPending().then(() => 'timer' as const)]);
      if (next === 'timer') timers.fireNext();
    }
    expect(seenBySync).toEqual(['id,amount\n1,999999.75\n']);
  });

  it('is loaded again by the next sync when it changed during its load (tracking keeps the sizes read before)', async () => {
    const { dir, platform } = await openProject();
    const file = path.join(dir, 'data', 'uploads', 'sales', 'grows.csv');
    writeFileSync(file, 'id,amount\n1,1.5\n');
    platform.once('sync_progress', (e) => {
      if (e.step === 'loading') appendFileSync(file, '2,999999.75\n');
    });
    expect((await platform.sync('sales')).status).toBe('success');
    const listing = await platform.listFiles('sales');
    expect(listing.files.find((f) => f.filename === 'grows.csv')?.status).toBe('pending');
    expect((await platform.sync('sales')).status).toBe('success');
    expect((await platform.listFiles('sales')).files.find((f) => f.filename === 'grows.csv')?.status).toBe('success');
    const rows = await platform.warehouse.query<{ amount: number }>('SELECT amount FROM raw_sales.sales ORDER BY id');
    expect(rows.map((r) => r.amount)).toEqual([1.5, 999999.75]);
  });
});
