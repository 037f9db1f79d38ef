import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform } from '../../src/index';
import { closeTestProjects, createTestProject, FIXTURES, recordEvents, type TestProject } from './helpers';

let project: TestProject | undefined;
let platform: DangoPlatform | undefined;
afterEach(closeTestProjects);

async function dbtProject(executable: string): Promise<DangoPlatform> {
  project = await createTestProject(undefined, { 'models/stg_a.sql': 'select 1 as id', 'models/broken.sql': 'select x', 'models/after_broken.sql': "select * from {{ ref('broken') }}" });
  const file = path.join(project.dir, '.dango', 'project.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('platform:\n', `platform:\n  transform_engine: dbt\n  dbt_executable: ${JSON.stringify(executable)}\n`));
  platform = await project.open();
  return platform;
}

const FAKE = path.join(FIXTURES, 'fake-dbt', 'dbt.mjs');
const calls = () => readFileSync(path.join(project!.dbtDir, 'fake-dbt-calls.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as string[]);

describe("transform_engine: dbt", () => {
  it('hands a run to the dbt executable with the selection and maps its run results and events', async () => {
    chmodSync(FAKE, 0o755);
    const p = await dbtProject(FAKE);
    const events = recordEvents(p);
    const r = await p.transform({ select: ['stg_a', 'tag:x'], exclude: ['old'], fullRefresh: true });
    const args = calls()[0]!;
    expect(args.slice(0, 7)).toEqual(['run', '--select', 'stg_a', 'tag:x', '--exclude', 'old', '--full-refresh']);
    expect(r.success).toBe(true);
    expect(r.results).toEqual([{ unique_id: 'model.fake.stg_a', name: 'stg_a', resource_type: 'model', status: 'success', execution_time: 0.05, message: 'OK', failures: null, rows_affected: 3 }]);
    expect(events.map((e) => e.type).filter((t) => t.startsWith('dbt_'))).toEqual(['dbt_run_started', 'dbt_model_completed', 'dbt_run_completed']);
    expect(p.logs().some((l) => l.message === 'dbt: Running with dbt=1.9.0')).toBe(true);
  });

  it('reports failed and skipped models from dbt and records them for listModels', async () => {
    const p = await dbtProject(FAKE);
    const events = recordEvents(p);
    const r = await p.runModel('broken');
    expect(calls()[0]!.slice(0, 3)).toEqual(['run', '--select', 'broken+']);
    expect(r.success).toBe(false);
    expect(r.counts).toEqual({ pass: 1, warn: 0, error: 1, skip: 1 });
    expect(events.find((e) => e.type === 'dbt_run_failed')).toMatchObject({ model: 'broken', error: 'Binder Error: column x not found' });
    const models = Object.fromEntries((await p.listModels()).map((m) => [m.name, m.status]));
    expect(models).toMatchObject({ broken: 'error', after_broken: 'skipped', stg_a: 'success' });
  });

  it('maps failing tests of dbt build and runs docs generate', async () => {
    const p = await dbtProject(FAKE);
    const r = await p.build();
    expect(r.results.find((x) => x.resource_type === 'test')).toMatchObject({ name: 'unique_stg_a_id', status: 'fail', failures: 2 });
    const docs = await p.generateDocs();
    expect(JSON.parse(readFileSync(docs.catalog, 'utf8')).metadata.dbt_schema_version).toBe('https://schemas.getdbt.com/dbt/catalog/v1.json');
    expect(calls().map((c) => c[0])).toEqual(['build', 'docs']);
  });

  it('runs projects the embedded parser cannot read, and lists models from dbt’s manifest', async () => {
    const p = await dbtProject(FAKE);
    project!.write('models/uses_package.sql', "select {{ dbt_utils.star(ref('stg_a')) }} from {{ ref('stg_a') }}");
    await expect(p.listModels()).rejects.toThrow(/uses_package\.sql/);
    const r = await p.runModel('broken');
    expect(r.counts).toEqual({ pass: 1, warn: 0, error: 1, skip: 1 });
    const models = await p.listModels();
    expect(models.map((m) => [m.name, m.status, m.depends_on])).toEqual([['after_broken', 'skipped', ['broken']], ['broken', 'error', []], ['stg_a', 'success', []]]);
    expect(models[0]).toMatchObject({ description: 'fake after_broken', schema: 'marts', materialization: 'table' });
  });

  it('releases the warehouse while dbt runs, so a real dbt can write to it', async () => {
    const duckdb = pathToFileURL(createRequire(import.meta.url).resolve('@duckdb/node-api')).href;
    const writer = path.join(os.tmpdir(), `dango-writing-dbt-${process.pid}.mjs`);
    // Like dbt-duckdb: opens the profile's ../data/warehouse.duckdb from the dbt folder and builds a table.
    writeFileSync(writer, `#!/usr/bin/env node
const { DuckDBInstance } = await import(${JSON.stringify(duckdb)});
const instance = await DuckDBInstance.create('../data/warehouse.duckdb');
const conn = await instance.connect();
await conn.run('CREATE SCHEMA IF NOT EXISTS marts; CREATE OR REPLACE TABLE marts.from_dbt AS SELECT 42 AS answer');
conn.closeSync();
instance.closeSync();
`);
    chmodSync(writer, 0o755);
    try {
      const p = await dbtProject(writer);
      expect((await p.transform()).success).toBe(true);
      expect(await p.warehouse.query('SELECT answer FROM marts.from_dbt')).toEqual([{ answer: 42 }]);
    } finally {
      rmSync(writer, { force: true });
    }
  });

  it('fails with a clear error when the executable is missing', async () => {
    const p = await dbtProject(path.join(FIXTURES, 'fake-dbt', 'no-such-dbt'));
    const events = recordEvents(p);
    await expect(p.transform()).rejects.toThrow(/dbt executable ".*no-such-dbt" not found/);
    expect(events.find((e) => e.type === 'dbt_run_failed')).toBeDefined();
  });
});
