import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

describe('dbt packages in dbt_packages/', () => {
  it('builds with package macros in their own namespaces, package tests, models and seeds, dispatch order and package vars', async () => {
    const project = await createTestProject('with-packages');
    const p = await project.open();
    const r = await p.build();
    const status = Object.fromEntries(r.results.map((x) => [x.unique_id.replace(/\.[0-9a-f]{10}$/, ''), x.status]));
    expect(status).toEqual({
      'seed.shop.raw_orders': 'success',
      'seed.helpers.helpers_codes': 'success',
      'model.helpers.helpers_calendar': 'success',
      'model.shop.orders': 'success',
      'test.shop.helpers_is_positive_orders_amount': 'pass',
      'test.shop.is_positive_orders_amount': 'pass',
    });
    expect(await p.warehouse.query('SELECT id, amount::VARCHAR AS amount, label, other_shared, root_shared, root_ns_shared, currency, description FROM main.orders ORDER BY id')).toEqual([
      { id: 1, amount: '12.50', label: 'X', other_shared: 'other', root_shared: 'root', root_ns_shared: 'root', currency: 'EUR-cents', description: 'alpha' },
      { id: 2, amount: '3.00', label: 'X', other_shared: 'other', root_shared: 'root', root_ns_shared: 'root', currency: 'EUR-cents', description: 'beta' },
      { id: 3, amount: '9.99', label: 'X', other_shared: 'other', root_shared: 'root', root_ns_shared: 'root', currency: 'EUR-cents', description: 'alpha' },
    ]);
    // The package's model sees its own macros first and its own vars; the project's config applies to it.
    expect(await p.warehouse.query('SELECT owner, unit FROM main.helpers_calendar')).toEqual([{ owner: 'helpers', unit: 'cents' }]);
    const models = await p.listModels();
    expect(models.find((m) => m.name === 'helpers_calendar')).toMatchObject({ materialization: 'view', tags: ['from_helpers'] });
  });

  it('fails a failing package test like any test', async () => {
    const project = await createTestProject('with-packages');
    project.write('seeds/raw_orders.csv', 'id,amount_cents,code\n1,-5,A\n');
    const p = await project.open();
    const r = await p.build();
    expect(r.results.find((x) => x.name === 'helpers_is_positive_orders_amount')).toMatchObject({ status: 'fail', failures: 1 });
    expect(r.results.find((x) => x.name === 'is_positive_orders_amount')).toMatchObject({ status: 'warn' });
  });

  it('builds snapshots and reports the Python models it leaves out instead of skipping them silently', async () => {
    const project = await createTestProject('with-packages', {
      'snapshots/orders_snap.sql': "{% snapshot orders_snap %}{{ config(unique_key='id', strategy='check', check_cols='all') }}select 1 as id{% endsnapshot %}",
      'models/py_model.py': 'def model(dbt, session):\n    return None\n',
    });
    const p = await project.open();
    const r = await p.build();
    expect(r.success).toBe(true);
    expect(r.results.find((x) => x.name === 'orders_snap')).toMatchObject({ resource_type: 'snapshot', status: 'success' });
    const skipped = p.logs().filter((l) => /Skipped \d+ resource\(s\)/.test(l.message)).map((l) => l.message);
    expect(skipped).toEqual(['dbt: Skipped 1 resource(s) the embedded engine does not run: Python model py_model (models/py_model.py); use platform.transform_engine: dbt to run them']);
  });

  it('asks for `dango deps` when packages.yml declares packages that are not installed', async () => {
    const project = await createTestProject('with-packages');
    rmSync(path.join(project.dbtDir, 'dbt_packages', 'other'), { recursive: true });
    const p = await project.open();
    await expect(p.listModels()).rejects.toThrow(/packages\.yml declares 2 package\(s\) but dbt_packages\/ holds 1 \(installed: helpers\): run `dango deps`/);
  });
});
