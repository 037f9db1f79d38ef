import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isPlatformRelation, listSchemas, listTables } from '../../src';
import { getJson, startServer, type TestServer } from './helpers';

/** Every `_dango` schema or `_dango_*` relation named in a JSON value (lineage columns such as `_dango_file` are data, not relations). */
function platformRelationsIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(/_dango(_files|\.[a-z_]+|_state)\b|"_dango"/g)].map((m) => m[0]);
}

describe('platform bookkeeping stays out of every listing', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
    fs.writeFileSync(path.join(s.dir, 'data/uploads/sales/a.csv'), 'id,amount\n1,2\n2,3\n');
    expect((await s.platform.sync('sales')).status).toBe('success');
    // The bookkeeping is really there, so every assertion below can fail.
    expect(await s.platform.warehouse.query("SELECT view_name AS v FROM duckdb_views() WHERE schema_name = 'raw_sales'")).toEqual([{ v: '_dango_files' }]);
    expect((await s.platform.build()).success).toBe(true);
    await s.platform.generateDocs();
  });
  afterAll(() => s?.close());

  it('the shared predicate: the _dango schema and _dango_* relations anywhere', () => {
    expect(isPlatformRelation('_dango')).toBe(true);
    expect(isPlatformRelation('_dango', 'table_rows')).toBe(true);
    expect(isPlatformRelation('raw_sales', '_dango_files')).toBe(true);
    expect(isPlatformRelation('raw_sales', '_DANGO_FILES')).toBe(true);
    expect(isPlatformRelation('raw_sales', 'sales')).toBe(false);
    expect(isPlatformRelation('raw_dango', 'dango_sales')).toBe(false);
  });

  it('GET /api/sources and the source details list the data tables only', async () => {
    const list = await getJson(`${s.url}/api/sources`);
    expect(list.body[0].tables).toEqual([{ name: 'sales', row_count: 2, schema: 'raw_sales' }]);
    const details = await getJson(`${s.url}/api/sources/sales/details`);
    expect(details.body.tables.map((t: { name: string }) => t.name)).toEqual(['sales']);
  });

  it('the catalog routes neither list nor preview it', async () => {
    const { body } = await getJson(`${s.url}/api/catalog/tables`);
    const names = body.tables.map((t: { schema: string; name: string }) => `${t.schema}.${t.name}`);
    expect(names).toEqual(expect.arrayContaining(['raw_sales.sales', 'staging.stg_sales']));
    expect(platformRelationsIn(names)).toEqual([]);
    expect(await getJson(`${s.url}/api/catalog/tables/raw_sales/_dango_files/preview`)).toMatchObject({ status: 404, body: { detail: "Table 'raw_sales._dango_files' not found" } });
    expect((await getJson(`${s.url}/api/catalog/tables/_dango/source_files/columns/path/profile`)).status).toBe(404);
    expect(await listSchemas(s.platform.warehouse)).not.toContain('_dango');
    expect(platformRelationsIn(await listTables(s.platform.warehouse))).toEqual([]);
  });

  it('no dbt source, staging model, docs artifact or lineage names it, and the staging model still has each row\'s file', async () => {
    const staging = path.join(s.dir, 'dbt/models/staging');
    for (const f of fs.readdirSync(staging).filter((f) => f.endsWith('.yml'))) expect(fs.readFileSync(path.join(staging, f), 'utf8')).not.toContain('_dango_files');
    expect(fs.readdirSync(staging).filter((f) => f.includes('_dango'))).toEqual([]);
    expect(await s.platform.warehouse.query('SELECT _dango_file AS f FROM staging.stg_sales ORDER BY id')).toEqual([{ f: 'a.csv' }, { f: 'a.csv' }]);
    const target = path.join(s.dir, 'dbt/target');
    const manifest = JSON.parse(fs.readFileSync(path.join(target, 'manifest.json'), 'utf8'));
    expect(Object.keys(manifest.sources)).toEqual(['source.http_test.sales.sales']);
    // The compiled SQL joins the view by name; what the docs draw (dependencies, sources) must not.
    const edges = Object.values(manifest.nodes as Record<string, { depends_on?: unknown; sources?: unknown }>).map((n) => [n.depends_on, n.sources]);
    expect(edges.length).toBeGreaterThan(0);
    expect(platformRelationsIn(edges)).toEqual([]);
    const catalog = JSON.parse(fs.readFileSync(path.join(target, 'catalog.json'), 'utf8'));
    expect(platformRelationsIn(catalog)).toEqual([]);
    const models = await getJson(`${s.url}/api/dbt/models`);
    expect(platformRelationsIn(models.body)).toEqual([]);
    const details = await getJson(`${s.url}/api/dbt/models/stg_sales/details`);
    expect(details.status).toBe(200);
    expect(details.body.lineage).toBeDefined();
    expect(platformRelationsIn({ ...details.body, raw_sql: null, compiled_sql: null })).toEqual([]);
  });

  it('health counts data tables only', async () => {
    const { body } = await getJson(`${s.url}/api/health/platform`);
    expect(body.database).toMatchObject({ raw_tables: 1, staging_tables: 1 });
  });
});
