import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoError, parseDbtVars, type DangoPlatform } from '../../src/index';
import { dbtArgs } from '../../src/transform/dbt-cli/dbt-args';
import { closeTestProjects, createTestProject, type TestProject } from './helpers';

afterEach(closeTestProjects);

let project: TestProject;
async function open(files: Record<string, string> = {}): Promise<DangoPlatform> {
  project = await createTestProject('features', files);
  return project.open();
}
const manifest = () => JSON.parse(readFileSync(path.join(project.dbtDir, 'target', 'manifest.json'), 'utf8')) as Record<string, Record<string, any>>;
const one = async (p: DangoPlatform, sql: string) => (await p.warehouse.query<Record<string, unknown>>(sql))[0];

describe('model versions', () => {
  it('builds each version as <model>_v<v>; ref() means latest_version, v= and version= pick one; tests run per version', async () => {
    const p = await open();
    const r = await p.build();
    expect(r.success).toBe(true);
    expect(await one(p, 'select shape from main.dim_customers_v1')).toEqual({ shape: 'old' });
    expect(await one(p, 'select shape from main.dim_customers_v2')).toEqual({ shape: 'new' });
    expect(await one(p, 'select shape from main.uses_latest')).toEqual({ shape: 'old' });
    expect(await one(p, 'select shape from main.uses_v1')).toEqual({ shape: 'old' });
    expect(await one(p, 'select shape from main.uses_v2')).toEqual({ shape: 'new' });
    expect(r.results.filter((x) => x.resource_type === 'test').map((x) => `${x.name}:${x.status}`).sort()).toEqual(['not_null_dim_customers_v1_id:pass', 'not_null_dim_customers_v2_id:pass']);
    const node = manifest().nodes!['model.features.dim_customers.v2'];
    expect(node).toMatchObject({ version: '2', latest_version: '1', description: 'the new shape', relation_name: '"main"."dim_customers_v2"' });
    expect(Object.keys(node.columns)).toEqual(['id']);
    expect(manifest().nodes!['model.features.uses_v2'].depends_on.nodes).toEqual(['model.features.dim_customers.v2']);
  });

  it('selects every version by the model name, and names the versions when one is missing', async () => {
    const p = await open({ 'models/uses_v3.sql': "select * from {{ ref('dim_customers', v=3) }}" });
    const r = await p.transform({ select: ['dim_customers'] });
    expect(r.results.map((x) => x.name).sort()).toEqual(['dim_customers_v1', 'dim_customers_v2']);
    const bad = await p.transform({ select: ['uses_v3'] });
    expect(bad.results[0]!.message).toMatch(/ref\('dim_customers', v=3\): 'dim_customers' has no version 3 \(its versions: 1, 2\)/);
  });
});

describe('--vars', () => {
  it('win over dbt_project.yml vars, global and scoped, for the command that gets them', async () => {
    const p = await open();
    await p.transform({ select: ['vars_model'] });
    expect(await one(p, 'select * from main.vars_model')).toEqual({ region: 'eu', scoped: 'project' });
    await p.transform({ select: ['vars_model'], vars: parseDbtVars('{region: us, scoped: cli}') });
    expect(await one(p, 'select * from main.vars_model')).toEqual({ region: 'us', scoped: 'cli' });
    await p.compile({ select: ['vars_model'], vars: { region: 'apac' } });
    expect(readFileSync(path.join(project.dbtDir, 'target/compiled/features/models/vars_model.sql'), 'utf8')).toContain("'apac' as region");
  });

  it('are parsed from YAML or JSON, refused clearly otherwise, and handed to a real dbt as --vars', () => {
    expect(parseDbtVars('{"a": 1, "b": [2]}')).toEqual({ a: 1, b: [2] });
    expect(parseDbtVars('a: x')).toEqual({ a: 'x' });
    expect(parseDbtVars('')).toBeUndefined();
    expect(() => parseDbtVars('[1, 2]')).toThrow(new DangoError('BAD_REQUEST', "--vars must be a mapping of names to values, e.g. '{start_date: \"2024-01-01\"}' (got [1,2])"));
    expect(() => parseDbtVars('{a: [')).toThrow(/--vars is not valid YAML or JSON/);
    expect(dbtArgs('run', { select: ['x'], vars: { a: 1 } })).toEqual(['run', '--select', 'x', '--vars', '{"a":1}']);
  });
});

describe('analyses and declared resources', () => {
  it('compiles analyses into target/compiled without running them, and puts everything in the manifest', async () => {
    const p = await open();
    const r = await p.build();
    expect(r.success).toBe(true);
    expect(r.results.some((x) => x.name === 'top_customers')).toBe(false);
    expect(await p.warehouse.query("select 1 from information_schema.tables where table_name = 'top_customers'")).toEqual([]);
    const sql = readFileSync(path.join(project.dbtDir, 'target/compiled/features/analyses/top_customers.sql'), 'utf8');
    expect(sql.trim()).toBe('select * from "main"."dim_customers_v1" where id >= 1');
    const m = manifest();
    expect(m.nodes!['analysis.features.top_customers']).toMatchObject({ resource_type: 'analysis', depends_on: { nodes: ['model.features.dim_customers.v1'] } });
    expect(m.exposures!['exposure.features.weekly_kpis']).toMatchObject({
      type: 'dashboard', maturity: 'high', owner: { name: 'Ana' }, depends_on: { nodes: ['model.features.uses_latest', 'model.features.dim_customers.v2'] },
    });
    expect(m.semantic_models!['semantic_model.features.regions'].depends_on.nodes).toEqual(['model.features.vars_model']);
    expect(m.metrics!['metric.features.region_count'].depends_on.nodes).toEqual(['semantic_model.features.regions']);
    expect(m.metrics!['metric.features.double_regions'].depends_on.nodes).toEqual(['metric.features.region_count']);
    expect(m.saved_queries!['saved_query.features.region_report'].depends_on.nodes).toEqual(['metric.features.double_regions']);
    expect((m.child_map as unknown as Record<string, string[]>)['model.features.uses_latest']).toContain('exposure.features.weekly_kpis');
  });

  it('refuses a declared resource that refs a missing model or uses an unknown metric, naming the file', async () => {
    const p = await open({ 'models/more.yml': "version: 2\nexposures:\n  - name: broken_kpis\n    type: dashboard\n    depends_on: [ref('nope')]\n" });
    await expect(p.listModels()).rejects.toThrow("Compilation error in models/more.yml: exposure 'broken_kpis': ref('nope') refers to 'nope', which is not a model or seed of this project");
    project.write('models/more.yml', 'version: 2\nsaved_queries:\n  - name: q\n    query_params: {metrics: [ghost]}\n');
    await expect(p.listModels()).rejects.toThrow("Compilation error in models/more.yml: saved query 'q' uses the metric 'ghost', which no properties file defines");
  });
});

describe('hooks', () => {
  it('runs a seed’s pre-hook and post-hook around its load, after on-run-start', async () => {
    const p = await open();
    expect((await p.seed()).success).toBe(true);
    expect(await p.warehouse.query('select name, n::int as n, phase from main.seed_audit order by phase')).toEqual([
      { name: 'countries', n: 2, phase: 'post' }, { name: 'countries', n: null, phase: 'pre' },
    ]);
  });

  it('fails the seed (and loads nothing) when its hook fails', async () => {
    const p = await open();
    project.write('dbt_project.yml', readFileSync(path.join(project.dbtDir, 'dbt_project.yml'), 'utf8').replace("+post-hook: \"insert into main.seed_audit", '+post-hook: "insert into main.no_such_table'));
    const r = await p.seed();
    expect(r.results[0]).toMatchObject({ name: 'countries', status: 'error' });
    expect(r.results[0]!.message).toMatch(/^Database error in seed countries \(seeds\/countries\.csv\): .*no_such_table/);
    expect(await p.warehouse.query("select 1 from information_schema.tables where table_name = 'countries'")).toEqual([]);
  });
});
