import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DangoEvent, DangoPlatform, TransformResult } from '../../src/index';
import { closeTestProjects, createTestProject, recordEvents, type TestProject } from './helpers';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8')) as Record<string, any>;

describe('a typical dbt-duckdb project (seeds, staging views, mart tables with Jinja loops, docs, schema tests)', () => {
  let project: TestProject;
  let platform: DangoPlatform;
  let events: DangoEvent[];
  let result: TransformResult;

  beforeAll(async () => {
    project = await createTestProject('jaffle');
    platform = await project.open();
    events = recordEvents(platform);
    result = await platform.build();
  });
  afterAll(closeTestProjects);

  it('builds every seed, model and test like dbt build', () => {
    expect(result.success).toBe(true);
    expect(result.counts).toEqual({ pass: 25, warn: 0, error: 0, skip: 0 });
    const byType = (t: string) => result.results.filter((r) => r.resource_type === t).map((r) => r.name).sort();
    expect(byType('seed')).toEqual(['raw_customers', 'raw_orders', 'raw_payments']);
    expect(byType('model')).toEqual(['customers', 'orders', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(byType('test')).toHaveLength(17);
    expect(byType('test')).toContain('accepted_values_stg_orders_status__placed__shipped__completed__return_pending__returned');
    expect(byType('test')).toContain('relationships_orders_customer_id__customer_id__ref_customers_');
    // graph order: a model's tests finish before its children start
    const pos = (name: string) => result.results.findIndex((r) => r.name === name);
    expect(pos('raw_orders')).toBeLessThan(pos('stg_orders'));
    expect(pos('unique_stg_orders_order_id')).toBeLessThan(pos('orders'));
    expect(result.results.find((r) => r.name === 'raw_payments')!.rows_affected).toBe(9);
  });

  it('creates the expected relations with the expected data', async () => {
    const kinds = await platform.warehouse.query<{ s: string; n: string; t: string }>(
      "SELECT table_schema s, table_name n, table_type t FROM information_schema.tables WHERE table_schema IN ('raw','staging','marts') ORDER BY 1, 2",
    );
    expect(kinds.map((k) => `${k.s}.${k.n}:${k.t}`)).toEqual([
      'marts.customers:BASE TABLE', 'marts.orders:BASE TABLE',
      'raw.raw_customers:BASE TABLE', 'raw.raw_orders:BASE TABLE', 'raw.raw_payments:BASE TABLE',
      'staging.stg_customers:VIEW', 'staging.stg_orders:VIEW', 'staging.stg_payments:VIEW',
    ]);
    const customers = await platform.warehouse.query<{ customer_id: number; number_of_orders: number | null; clv: string | number | null }>(
      'SELECT customer_id, number_of_orders, customer_lifetime_value::DOUBLE AS clv FROM marts.customers ORDER BY 1',
    );
    expect(customers.map((c) => [c.customer_id, c.number_of_orders, c.clv])).toEqual([[1, 3, 37], [2, 1, 25], [3, 3, 43], [4, 1, 16], [5, null, null]]);
    const [o3] = await platform.warehouse.query<Record<string, number>>(
      'SELECT coupon_amount::DOUBLE c, gift_card_amount::DOUBLE g, credit_card_amount::DOUBLE cc, amount::DOUBLE a FROM marts.orders WHERE order_id = 3',
    );
    expect(o3).toEqual({ c: 1, g: 3, cc: 0, a: 4 });
  });

  it('writes manifest.json in dbt’s v12 format with nodes, sources, maps, code and docs', () => {
    const m = readJson(path.join(project.dbtDir, 'target', 'manifest.json'));
    expect(m.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/manifest/v12.json');
    expect(m.metadata.project_name).toBe('jaffle_shop');
    const orders = m.nodes['model.jaffle_shop.orders'];
    expect(orders).toMatchObject({
      resource_type: 'model', name: 'orders', schema: 'marts', database: 'warehouse', relation_name: '"marts"."orders"',
      original_file_path: 'models/marts/orders.sql', path: 'marts/orders.sql', fqn: ['jaffle_shop', 'marts', 'orders'],
      depends_on: { macros: [], nodes: ['model.jaffle_shop.stg_orders', 'model.jaffle_shop.stg_payments'] },
      config: { materialized: 'table', schema: 'marts' }, compiled: true,
    });
    expect(orders.raw_code).toContain("{% for payment_method in payment_methods -%}");
    expect(orders.compiled_code).toContain("sum(case when payment_method = 'gift_card' then amount else 0 end) as gift_card_amount,");
    expect(orders.compiled_code).toContain('from "staging"."stg_orders"');
    expect(orders.columns.status.description).toMatch(/^Orders can be one of the following statuses:/);
    expect(m.nodes['seed.jaffle_shop.raw_orders']).toMatchObject({ resource_type: 'seed', schema: 'raw' });
    const rel = Object.values(m.nodes).find((n: any) => n.name === 'relationships_orders_customer_id__customer_id__ref_customers_') as any;
    expect(rel).toMatchObject({ resource_type: 'test', column_name: 'customer_id', attached_node: 'model.jaffle_shop.orders', test_metadata: { name: 'relationships' } });
    expect(rel.depends_on.nodes.sort()).toEqual(['model.jaffle_shop.customers', 'model.jaffle_shop.orders']);
    expect(m.parent_map['model.jaffle_shop.customers']).toEqual(['model.jaffle_shop.stg_customers', 'model.jaffle_shop.stg_orders', 'model.jaffle_shop.stg_payments']);
    expect(m.child_map['seed.jaffle_shop.raw_orders']).toEqual(['model.jaffle_shop.stg_orders']);
    expect(m.docs['doc.jaffle_shop.orders_status'].block_contents).toMatch(/^Orders can be/);
  });

  it('writes run_results.json (v6) and the compiled SQL files', () => {
    const rr = readJson(path.join(project.dbtDir, 'target', 'run_results.json'));
    expect(rr.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/run-results/v6.json');
    expect(rr.results).toHaveLength(25);
    expect(rr.results.find((r: any) => r.unique_id === 'model.jaffle_shop.customers')).toMatchObject({ status: 'success', relation_name: '"marts"."customers"', adapter_response: { rows_affected: 5 } });
    expect(rr.args).toMatchObject({ which: 'build' });
    const compiled = path.join(project.dbtDir, 'target', 'compiled', 'jaffle_shop', 'models', 'staging', 'stg_payments.sql');
    expect(readFileSync(compiled, 'utf8')).toContain('(amount / 100)::numeric(16, 2) as amount');
    expect(existsSync(path.join(project.dbtDir, 'target', 'compiled', 'jaffle_shop', 'tests', 'assert_positive_total.sql'))).toBe(true);
  });

  it('writes catalog.json (v1) with warehouse columns, types and row counts on generateDocs', async () => {
    const paths = await platform.generateDocs();
    const c = readJson(paths.catalog);
    expect(c.metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');
    const customers = c.nodes['model.jaffle_shop.customers'];
    expect(customers.metadata).toMatchObject({ type: 'BASE TABLE', schema: 'marts', name: 'customers', database: 'warehouse' });
    expect(customers.stats.row_count.value).toBe(5);
    expect(customers.columns.customer_id).toMatchObject({ type: 'BIGINT', index: 1 });
    expect(c.nodes['model.jaffle_shop.stg_orders'].metadata.type).toBe('VIEW');
    const manifest = readJson(paths.manifest);
    expect(manifest.nodes['model.jaffle_shop.stg_orders'].compiled_code).toContain('"raw"."raw_orders"');
  });

  it('lists models with description, schema, dependencies, materialisation and last status', async () => {
    const models = await platform.listModels();
    expect(models.map((m) => m.name)).toEqual(['customers', 'orders', 'stg_customers', 'stg_orders', 'stg_payments']);
    expect(models[0]).toMatchObject({
      name: 'customers', database: 'warehouse', schema: 'marts', materialization: 'table', status: 'success',
      depends_on: ['stg_customers', 'stg_orders', 'stg_payments'],
      description: "This table has basic information about a customer, as well as some derived facts based on a customer's orders",
    });
    expect(models[2]).toMatchObject({ name: 'stg_customers', schema: 'staging', materialization: 'view', depends_on: ['raw_customers'] });
  });

  it('emits started, per-model and completed events with human messages', () => {
    const dbt = events.filter((e) => e.type.startsWith('dbt_'));
    const types = dbt.map((e) => e.type);
    expect(types[0]).toBe('dbt_run_started');
    expect(types.filter((t) => t === 'dbt_model_completed')).toHaveLength(8);
    expect(types.at(-1)).toBe('dbt_run_completed');
    const done = dbt.find((e) => e.type === 'dbt_model_completed' && e.model === 'customers')!;
    expect(done.message).toMatch(/^Model customers completed in \d+\.\d\ds$/);
    expect(dbt.at(-1)!.message).toBe('dbt build completed (PASS=25 WARN=0 ERROR=0 SKIP=0)');
    expect(events.some((e) => e.type === 'log' && /^dbt docs generated \(dbt\/target\/manifest\.json, dbt\/target\/catalog\.json\)$/.test(e.message))).toBe(true);
  });

  it('keeps model status across a restart', async () => {
    await platform.close();
    platform = await project.open();
    const models = await platform.listModels();
    expect(models.every((m) => m.status === 'success' && typeof m.last_run === 'string')).toBe(true);
    expect(JSON.parse(readFileSync(path.join(project.dir, '.dango', 'state', 'models.json'), 'utf8')).models.orders.status).toBe('success');
  });
});
