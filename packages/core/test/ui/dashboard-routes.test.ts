import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startServer, type TestServer } from '../http/helpers';

describe('the read-only endpoints the dashboard adds', () => {
  let s: TestServer;
  let table: string;

  beforeAll(async () => {
    s = await startServer();
    const rows = ['id,region,amount', '1,north,10.5', '2,south,', '3,north,7', '4,,1'];
    fs.writeFileSync(path.join(s.dir, 'data/uploads/sales/a.csv'), rows.join('\n') + '\n');
    expect((await s.platform.sync('sales')).status).toBe('success');
    table = (await s.platform.listSources())[0]!.tables[0]!.name;
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/by_region.sql'), `select region, sum(amount) as total from {{ source('sales', '${table}') }} group by 1\n`);
    fs.writeFileSync(
      path.join(s.dir, 'dbt/models/marts/by_region.yml'),
      'version: 2\nmodels:\n  - name: by_region\n    description: Totals per region\n    columns:\n      - name: region\n        description: The region\n        tests: [unique]\n',
    );
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/top_region.sql'), "select * from {{ ref('by_region') }} order by total desc limit 1\n");
    // Reads both a child and a grandchild of by_region: its depth is its longest path.
    fs.writeFileSync(path.join(s.dir, 'dbt/models/marts/region_rank.sql'), "select t.region from {{ ref('top_region') }} t join {{ ref('by_region') }} b using (region)\n");
    expect((await s.platform.transform({ select: ['by_region'] })).success).toBe(true);
  });
  afterAll(() => s?.close());

  it('lists tables with columns and exact row counts, without the platform schema', async () => {
    const { status, body } = await getJson(`${s.url}/api/catalog/tables`);
    expect(status).toBe(200);
    const raw = body.tables.find((t: { schema: string; name: string }) => t.schema === 'raw_sales' && t.name === table);
    expect(raw).toMatchObject({ type: 'table', row_count: 4 });
    expect(raw.columns.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(['id', 'region', 'amount']));
    expect(body.tables.some((t: { schema: string }) => t.schema === '_dango')).toBe(false);
    expect(body.tables.find((t: { name: string }) => t.name === 'by_region')).toMatchObject({ schema: 'marts' });
  });

  it('previews the first rows, bounded', async () => {
    const { status, body } = await getJson(`${s.url}/api/catalog/tables/raw_sales/${table}/preview?limit=2`);
    expect(status).toBe(200);
    expect(body.limit).toBe(2);
    expect(body.truncated).toBe(true);
    expect(body.rows).toHaveLength(2);
    const id = body.columns.findIndex((c: { name: string }) => c.name === 'id');
    expect(body.rows.map((r: unknown[]) => r[id])).toEqual([1, 2]);
    expect((await getJson(`${s.url}/api/catalog/tables/raw_sales/${table}/preview?limit=501`)).status).toBe(400);
    expect(await getJson(`${s.url}/api/catalog/tables/raw_sales/nope/preview`)).toMatchObject({ status: 404, body: { detail: "Table 'raw_sales.nope' not found" } });
  });

  it('profiles a column on demand', async () => {
    const { status, body } = await getJson(`${s.url}/api/catalog/tables/raw_sales/${table}/columns/region/profile`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ column: 'region', rows: 4, sampled: false, nulls: 1, null_percent: 25, distinct: 2, min: 'north', max: 'south' });
    expect(body.top_values[0]).toEqual({ value: 'north', count: 2 });
    expect(await getJson(`${s.url}/api/catalog/tables/raw_sales/${table}/columns/nope/profile`)).toMatchObject({ status: 404, body: { detail: `Column 'nope' not found in 'raw_sales.${table}'` } });
  });

  it('describes a model: raw and compiled SQL, columns with types, tests and lineage', async () => {
    const { status, body } = await getJson(`${s.url}/api/dbt/models/by_region/details`);
    expect(status).toBe(200);
    expect(body.raw_sql).toContain(`{{ source('sales', '${table}') }}`);
    expect(body.compiled_sql).toContain(`"raw_sales"."${table}"`);
    expect(body.compile_error).toBeNull();
    expect(body.columns).toEqual(expect.arrayContaining([{ name: 'region', description: 'The region', data_type: 'VARCHAR' }, { name: 'total', description: '', data_type: 'DOUBLE' }]));
    expect(body.tests).toEqual([expect.objectContaining({ column: 'region', test: 'unique' })]);
    expect(body.upstream).toEqual([{ name: `sales.${table}`, kind: 'source' }]);
    expect(body.downstream).toEqual(['region_rank', 'top_region']);
    expect(body.lineage.nodes.map((n: { name: string; kind: string; depth: number }) => [n.name, n.kind, n.depth])).toEqual([
      [`sales.${table}`, 'source', -1],
      ['by_region', 'model', 0],
      ['top_region', 'model', 1],
      ['region_rank', 'model', 2],
    ]);
    const ids = new Map(body.lineage.nodes.map((n: { id: string; name: string }) => [n.id, n.name]));
    expect(body.lineage.edges.map((e: { from: string; to: string }) => `${ids.get(e.from)}>${ids.get(e.to)}`).sort()).toEqual(
      ['by_region>region_rank', 'by_region>top_region', `sales.${table}>by_region`, 'top_region>region_rank'].sort(),
    );
    // The whole upstream chain, from the far end.
    const far = (await getJson(`${s.url}/api/dbt/models/region_rank/details`)).body;
    expect(far.lineage.nodes.map((n: { name: string; depth: number }) => [n.name, n.depth])).toEqual([[`sales.${table}`, -3], ['by_region', -2], ['top_region', -1], ['region_rank', 0]]);
    expect(await getJson(`${s.url}/api/dbt/models/nope/details`)).toMatchObject({ status: 404, body: { detail: "Model 'nope' not found" } });
  });

  it('lists models with the last run time and duration', async () => {
    const { status, body } = await getJson(`${s.url}/api/dbt/models`);
    expect(status).toBe(200);
    const byName = new Map(body.models.map((m: { name: string }) => [m.name, m]));
    const ran = byName.get('by_region') as { last_run: string; execution_time: number };
    expect(Date.parse(ran.last_run)).not.toBeNaN();
    expect(ran.execution_time).toBeGreaterThanOrEqual(0);
    expect(byName.get('top_region')).toMatchObject({ status: null, last_run: null, execution_time: null });
  });

  it('documents the new endpoints in OpenAPI', async () => {
    const { body } = await getJson(`${s.url}/api/openapi.json`);
    expect(Object.keys(body.paths)).toEqual(
      expect.arrayContaining(['/api/catalog/tables', '/api/catalog/tables/{schema}/{table}/preview', '/api/catalog/tables/{schema}/{table}/columns/{column}/profile', '/api/dbt/models/{model_name}/details']),
    );
  });
});
