import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { WatcherService } from '../../src/watcher/watcher-service';
import { csvRows, csvSource, once, tempProject } from './helpers';
import { RecordingActions } from './recording-actions';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function projectWith(platformSettings: Record<string, unknown> = {}) {
  const project = await tempProject({ sources: [csvSource('sales'), csvSource('crm')], platform: platformSettings });
  cleanups.push(project.cleanup);
  const write = (source: string, name: string, text: string) => {
    mkdirSync(path.join(project.dir, 'data', 'uploads', source), { recursive: true });
    writeFileSync(path.join(project.dir, 'data', 'uploads', source, name), text);
  };
  const platform = await DangoPlatform.open({ projectDir: project.dir, debounceSeconds: 1 });
  cleanups.push(() => platform.close());
  return { platform, write };
}

describe('files left pending by a stop or a crash', () => {
  it('are reported by the source, and synced when the watcher starts', async () => {
    const { platform, write } = await projectWith();
    write('sales', 'a.csv', csvRows(3));
    write('crm', 'c.csv', csvRows(2));
    await platform.sync('sales');
    await platform.sync('crm');
    // A file that arrived while nothing watched (or whose sync was killed mid-load).
    write('sales', 'b.csv', csvRows(4, 10));
    const sales = (await platform.listSources()).find((s) => s.name === 'sales')!;
    expect(sales).toMatchObject({ status: 'synced', pending_files: 1 });
    expect((await platform.getSource('sales')).pending_files).toBe(1);
    expect((await platform.listSources()).find((s) => s.name === 'crm')).toMatchObject({ status: 'synced', pending_files: 0 });

    const rec = new RecordingActions();
    const watcher = new WatcherService(platform.context, { ...rec.actions, listFiles: (n) => platform.listFiles(n) });
    cleanups.push(() => watcher.close());
    const triggered = once(platform, 'watcher_triggered');
    await watcher.start();
    expect(await triggered).toMatchObject({ sources: ['sales'], models: [] });
    await rec.waitForCalls(1);
    expect(rec.syncs).toEqual(['sales']);
  });

  it('wait for a sync when auto_sync is off', async () => {
    const { platform, write } = await projectWith({ auto_sync: false });
    write('sales', 'a.csv', csvRows(3));
    const rec = new RecordingActions();
    const watcher = new WatcherService(platform.context, { ...rec.actions, listFiles: (n) => platform.listFiles(n) });
    cleanups.push(() => watcher.close());
    await watcher.start();
    await watcher.close(); // close() waits for anything the start began
    expect(rec.calls).toEqual([]);
    expect((await platform.listSources()).find((s) => s.name === 'sales')).toMatchObject({ status: 'not_synced', pending_files: 1 });
  });
});
