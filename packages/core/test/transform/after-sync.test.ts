import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/index';
import { closeTestProjects, createTestProject, recordEvents, type TestProject } from './helpers';

let project: TestProject | undefined;
let platform: DangoPlatform | undefined;
afterEach(closeTestProjects);

async function csvProject(files: Record<string, string>, autoDbt = true): Promise<DangoPlatform> {
  project = await createTestProject(undefined, files);
  writeFileSync(path.join(project.dir, '.dango', 'sources.yml'),
    'sources:\n  - name: shop\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/shop\n      file_pattern: "*.csv"\n      table: orders\n');
  if (!autoDbt) {
    const file = path.join(project.dir, '.dango', 'project.yml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('auto_dbt: true', 'auto_dbt: false'));
  }
  mkdirSync(path.join(project.dir, 'data', 'uploads', 'shop'), { recursive: true });
  writeFileSync(path.join(project.dir, 'data', 'uploads', 'shop', 'orders.csv'), 'id,amount\n1,10\n2,20\n3,30\n');
  platform = await project.open();
  return platform;
}

describe('after a sync', () => {
  it('generates the staging model and runs everything downstream of the source', async () => {
    const p = await csvProject({ 'models/marts/order_totals.sql': "select sum(amount) as total from {{ ref('stg_shop_orders') }}" });
    const events = recordEvents(p);
    const sync = await p.sync('shop');
    expect(sync.status).toBe('success');
    expect(existsSync(path.join(project!.dbtDir, 'models', 'staging', 'stg_shop_orders.sql'))).toBe(true);
    expect(events.find((e) => e.type === 'dbt_run_started')).toMatchObject({ select: ['source:shop+'] });
    expect(await p.warehouse.query('SELECT total::INTEGER AS total FROM marts.order_totals')).toEqual([{ total: 60 }]);
    // Raw rows carry a file id; the staging view shows the file's path.
    expect(await p.warehouse.query('SELECT _dango_file, count(*)::INTEGER AS n FROM staging.stg_shop_orders GROUP BY 1')).toEqual([{ _dango_file: 'orders.csv', n: 3 }]);
    const models = Object.fromEntries((await p.listModels()).map((m) => [m.name, m]));
    expect(models.stg_shop_orders).toMatchObject({ schema: 'staging', materialization: 'view', status: 'success' });
    expect(models.order_totals).toMatchObject({ depends_on: ['stg_shop_orders'], status: 'success' });
  });

  it('loads the seeds that downstream models need when they are not in the warehouse yet, and only once', async () => {
    const p = await csvProject({
      'seeds/tiers.csv': 'id,tier\n1,gold\n2,silver\n3,bronze\n',
      'models/marts/orders_tiered.sql': "select o.id, t.tier from {{ ref('stg_shop_orders') }} o join {{ ref('tiers') }} t using (id)",
    });
    const events = recordEvents(p);
    expect((await p.sync('shop')).status).toBe('success');
    expect(await p.warehouse.query('SELECT count(*)::INTEGER AS n FROM marts.orders_tiered')).toEqual([{ n: 3 }]);
    const seeded = () => events.filter((e) => e.type === 'dbt_model_completed' && e.model === 'tiers').length;
    expect(seeded()).toBe(1);
    expect((await p.sync('shop', { fullRefresh: true })).status).toBe('success');
    expect(seeded()).toBe(1);
    expect(events.filter((e) => e.type === 'dbt_run_failed')).toEqual([]);
  });

  it('records and emits a failing downstream model without failing the sync', async () => {
    const p = await csvProject({ 'models/marts/broken.sql': "select no_such_column from {{ ref('stg_shop_orders') }}" });
    const events = recordEvents(p);
    const sync = await p.sync('shop');
    expect(sync.status).toBe('success');
    expect(events.find((e) => e.type === 'dbt_run_failed')).toMatchObject({ model: 'broken' });
    expect(events.find((e) => e.type === 'sync_completed')).toBeDefined();
    expect((await p.listModels()).find((m) => m.name === 'broken')!.status).toBe('error');
  });

  it('keeps the sync successful when the dbt project does not compile', async () => {
    const p = await csvProject({ 'models/marts/bad.sql': '{% if %}' });
    const events = recordEvents(p);
    expect((await p.sync('shop')).status).toBe('success');
    expect((events.find((e) => e.type === 'dbt_run_failed') as { error: string }).error).toMatch(/models\/marts\/bad\.sql line 1/);
  });

  it('only generates staging models when auto_dbt is off', async () => {
    const p = await csvProject({}, false);
    const events = recordEvents(p);
    await p.sync('shop');
    expect(existsSync(path.join(project!.dbtDir, 'models', 'staging', 'stg_shop_orders.sql'))).toBe(true);
    expect(events.some((e) => e.type === 'dbt_run_started')).toBe(false);
    expect((await p.listModels()).map((m) => [m.name, m.status])).toEqual([['stg_shop_orders', null]]);
  });

  it('runs models and a sync at the same time without either corrupting the other', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 12; i++) files[`models/marts/t${i}.sql`] = `select range as id, range * ${i} as v from range(20000)`;
    const p = await csvProject(files, false);
    const [run, sync] = await Promise.all([p.transform(), p.sync('shop')]);
    expect(run.success).toBe(true);
    expect(run.results).toHaveLength(12);
    expect(sync.status).toBe('success');
    expect(await p.warehouse.query('SELECT count(*)::INTEGER AS n, sum(amount)::INTEGER AS s FROM raw_shop.orders')).toEqual([{ n: 3, s: 60 }]);
    expect(await p.warehouse.query('SELECT count(*)::INTEGER AS n, max(v)::BIGINT AS m FROM marts.t11')).toEqual([{ n: 20000, m: 19999 * 11 }]);
  });

  it('announces no run when nothing is downstream of the source', async () => {
    const p = await csvProject({});
    project!.write('models/staging/stg_shop_orders.sql', '-- owned by the user now, disabled\n{{ config(enabled=false) }}select 1');
    const events = recordEvents(p);
    expect((await p.sync('shop')).status).toBe('success');
    expect(events.some((e) => e.type.startsWith('dbt_'))).toBe(false);
  });
});
