import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { csvRows, csvSource, once, openStepped, record, tempProject } from './helpers';
import { stepUntil } from './manual-timers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** Distinct delays, so a test can tell the watcher's timers apart: data debounce 3 s, model debounce 2 s (its cap), stability wait 1 s. */
const DEBOUNCE_SECONDS = 3;
const MODEL_DEBOUNCE_MS = 2000;
const TOTALS = 'select count(*)::INTEGER as n, sum(amount) as total from {{ ref(\'stg_sales\') }}\n';

/** A watched project whose mart `sales_totals` sits downstream of the generated staging model of `sales`. */
async function watchedWithModels() {
  const project = await tempProject({ sources: [csvSource('sales')] });
  cleanups.push(project.cleanup);
  const marts = path.join(project.dir, 'dbt', 'models', 'marts');
  mkdirSync(marts, { recursive: true });
  writeFileSync(path.join(marts, 'sales_totals.sql'), TOTALS);
  const stepped = await openStepped(project.dir, DEBOUNCE_SECONDS);
  const { platform } = stepped;
  cleanups.push(() => platform.close());
  const drop = (name: string, text: string) => {
    const dir = path.join(project.dir, 'data', 'uploads', 'sales');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  const count = async () => (await platform.warehouse.query<{ n: number }>('SELECT n FROM marts.sales_totals'))[0]!.n;
  return { ...stepped, dir: project.dir, marts, drop, count };
}

describe('watcher with auto_dbt', () => {
  it('rebuilds the downstream model after a dropped file is synced, exactly once', async () => {
    const { platform, timers, drop, count, settleAfter, settle } = await watchedWithModels();
    const runs = record(platform, ['dbt_run_started', 'sync_started']);
    const built = once(platform, 'dbt_model_completed', (e) => e.model === 'sales_totals');
    drop('a.csv', csvRows(12));
    await settleAfter(1);
    expect(await built).toMatchObject({ model: 'sales_totals', status: 'success' });
    expect(await count()).toBe(12);
    // The watcher sees the staging files the sync generated (a model-debounce timer)...
    await timers.until(() => timers.history.includes(MODEL_DEBOUNCE_MS));
    await settle();
    expect(timers.delays).toEqual([]);
    // ...but they carry the marker, so it does not run the models again.
    expect(runs.map((e) => e.type)).toEqual(['sync_started', 'dbt_run_started']);
    const models = await platform.listModels();
    expect(models.find((m) => m.name === 'sales_totals')).toMatchObject({ status: 'success' });
  });

  it('reruns an edited model by itself', async () => {
    const { platform, timers, marts, drop, count, settleAfter } = await watchedWithModels();
    const first = once(platform, 'dbt_run_completed');
    drop('a.csv', csvRows(5));
    await settleAfter(1);
    await first;
    expect(await count()).toBe(5);
    const triggered = once(platform, 'watcher_triggered', (e) => e.models.length > 0);
    const rebuilt = once(platform, 'dbt_run_completed');
    writeFileSync(path.join(marts, 'sales_totals.sql'), TOTALS.replace('count(*)::INTEGER', '(count(*) * 2)::INTEGER'));
    expect(await stepUntil(timers, triggered)).toMatchObject({ models: ['sales_totals'], files: ['dbt/models/marts/sales_totals.sql'] });
    await stepUntil(timers, rebuilt);
    expect(await count()).toBe(10);
  });

  it('reports a model broken by an edit in the health report', async () => {
    const { platform, timers, marts, drop, settleAfter } = await watchedWithModels();
    const first = once(platform, 'dbt_run_completed');
    drop('a.csv', csvRows(5));
    await settleAfter(1);
    await first;
    const failed = once(platform, 'dbt_run_failed');
    writeFileSync(path.join(marts, 'sales_totals.sql'), "select no_such_column from {{ ref('stg_sales') }}\n");
    expect((await stepUntil(timers, failed)).model).toBe('sales_totals');
    const health = await platform.health();
    expect(health.dbt_failures).toEqual([{ model: 'sales_totals', error: expect.stringContaining('no_such_column'), timestamp: expect.any(String) }]);
    expect(health.warnings).toContainEqual(expect.stringMatching(/^Model 'sales_totals' failed its last run: /));
    expect(health.status).not.toBe('healthy');
  });
});
