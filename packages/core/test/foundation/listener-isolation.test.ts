import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createProject, recordEvents, type TestProject } from '../sources/helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

/** A project with one CSV source `sales` holding two rows. */
async function openSales() {
  project = await createProject();
  project.write('sales', 'a.csv', 'id,amount\n1,10\n2,20\n');
  return project.open();
}

describe('listeners and the activity log cannot break a sync', () => {
  it('a throwing listener is logged, the other listeners are still called, and the sync completes', async () => {
    const platform = await openSales();
    const seen: string[] = [];
    platform.on('sync_started', () => {
      throw new Error('listener boom');
    });
    platform.on('sync_completed', () => {
      throw new Error('listener boom 2');
    });
    platform.on('sync_completed', (e) => seen.push(`after:${e.rows}`));
    platform.once('sync_started', () => seen.push('once'));
    const events = recordEvents(platform, ['sync_started', 'sync_completed']);
    const result = await platform.sync('sales');
    expect(result.status).toBe('success');
    expect(result.rows_processed).toBe(2);
    expect(seen).toEqual(['once', 'after:2']);
    expect(events.map((e) => e.type)).toEqual(['sync_started', 'sync_completed']);
    const errors = (await platform.logs({ limit: 50 })).filter((e) => e.level === 'ERROR').map((e) => e.message);
    expect(errors).toEqual([
      expect.stringMatching(/A sync_started listener failed: listener boom$/),
      expect.stringMatching(/A sync_completed listener failed: listener boom 2$/),
    ]);
    // once() still means once, and the history is written.
    await platform.sync('sales');
    expect(seen).toEqual(['once', 'after:2', 'after:0']);
    expect((await platform.getSource('sales')).history?.length ?? 0).toBeGreaterThanOrEqual(2);
  });

  it('a rejecting async listener is logged instead of crashing the process', async () => {
    const platform = await openSales();
    let rejected!: () => void;
    const done = new Promise<void>((resolve) => (rejected = resolve));
    platform.on('sync_completed', async () => {
      await Promise.resolve();
      rejected();
      throw new Error('async boom');
    });
    expect((await platform.sync('sales')).status).toBe('success');
    await done;
    await new Promise((resolve) => setImmediate(resolve));
    expect((await platform.logs({ limit: 50 })).map((e) => e.message)).toContain('A sync_completed listener failed: async boom');
  });

  it('an activity log that cannot be written never fails a sync; entries stay readable in memory', async () => {
    const platform = await openSales();
    const file = path.join(project.dir, '.dango', 'logs', 'activity.jsonl');
    fs.rmSync(file);
    fs.mkdirSync(file); // every append now fails with EISDIR
    const events = recordEvents(platform, ['sync_completed', 'sync_failed']);
    const result = await platform.sync('sales');
    expect(result.status).toBe('success');
    expect(events.map((e) => e.type)).toEqual(['sync_completed']);
    expect((await platform.getSource('sales')).history?.[0]).toMatchObject({ status: 'success', rows_processed: 2 });
    expect((await platform.logs({ limit: 10 })).map((e) => e.type)).toContain('sync_completed');
  });
});
