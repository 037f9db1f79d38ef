import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '../../src';
import { csvRows, csvSource, once, pollUntil, record, tempProject } from './helpers';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const NO_MORE_MS = 3000;
const TOTALS = 'select count(*)::INTEGER as n, sum(amount) as total from {{ ref(\'stg_sales\') }}\n';

/** A watched project whose mart `sales_totals` sits downstream of the generated staging model of `sales`. */
async function watchedWithModels() {
  const project = await tempProject({ sources: [csvSource('sales')] });
  cleanups.push(project.cleanup);
  const marts = path.join(project.dir, 'dbt', 'models', 'marts');
  mkdirSync(marts, { recursive: true });
  writeFileSync(path.join(marts, 'sales_totals.sql'), TOTALS);
  const platform = await DangoPlatform.open({ projectDir: project.dir, watch: true, debounceSeconds: 1 });
  cleanups.push(() => platform.close());
  const drop = (name: string, text: string) => {
    const dir = path.join(project.dir, 'data', 'uploads', 'sales');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, name), text);
  };
  const count = async () => (await platform.warehouse.query<{ n: number }>('SELECT n FROM marts.sales_totals'))[0]!.n;
  return { dir: project.dir, marts, platform, drop, count };
}

describe('watcher with auto_dbt', () => {
  it('rebuilds the downstream model after a dropped file is synced, exactly once', async () => {
    const { platform, drop, count } = await watchedWithModels();
    const runs = record(platform, ['dbt_run_started', 'sync_started']);
    const built = once(platform, 'dbt_model_completed', (e) => e.model === 'sales_totals');
    drop('a.csv', csvRows(12));
    expect(await built).toMatchObject({ model: 'sales_totals', status: 'success' });
    expect(await count()).toBe(12);
    // The staging files the sync generated carry the marker, so the watcher does not run the models again.
    expect(await pollUntil(() => runs.length > 2, NO_MORE_MS)).toBe(false);
    expect(runs.map((e) => e.type)).toEqual(['sync_started', 'dbt_run_started']);
    const models = await platform.listModels();
    expect(models.find((m) => m.name === 'sales_totals')).toMatchObject({ status: 'success' });
  });

  it('reruns an edited model by itself', async () => {
    const { platform, marts, drop, count } = await watchedWithModels();
    const first = once(platform, 'dbt_run_completed');
    drop('a.csv', csvRows(5));
    await first;
    expect(await count()).toBe(5);
    const triggered = once(platform, 'watcher_triggered', (e) => e.models.length > 0);
    const rebuilt = once(platform, 'dbt_run_completed');
    writeFileSync(path.join(marts, 'sales_totals.sql'), TOTALS.replace('count(*)::INTEGER', '(count(*) * 2)::INTEGER'));
    expect(await triggered).toMatchObject({ models: ['sales_totals'], files: ['dbt/models/marts/sales_totals.sql'] });
    await rebuilt;
    expect(await count()).toBe(10);
  });

  it('reports a model broken by an edit in the health report', async () => {
    const { platform, marts, drop } = await watchedWithModels();
    const first = once(platform, 'dbt_run_completed');
    drop('a.csv', csvRows(5));
    await first;
    const failed = once(platform, 'dbt_run_failed');
    writeFileSync(path.join(marts, 'sales_totals.sql'), "select no_such_column from {{ ref('stg_sales') }}\n");
    expect((await failed).model).toBe('sales_totals');
    const health = await platform.health();
    expect(health.dbt_failures).toEqual([{ model: 'sales_totals', error: expect.stringContaining('no_such_column'), timestamp: expect.any(String) }]);
    expect(health.warnings).toContainEqual(expect.stringMatching(/^Model 'sales_totals' failed its last run: /));
    expect(health.status).not.toBe('healthy');
  });
});
