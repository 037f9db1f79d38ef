import { afterEach, describe, expect, it } from 'vitest';
import { DangoError, type DangoEvent, type DangoPlatform } from '../../src/index';
import { closeTestProjects, createTestProject, recordEvents, type TestProject } from './helpers';

let project: TestProject | undefined;
let platform: DangoPlatform | undefined;
afterEach(closeTestProjects);

async function setup(files: Record<string, string>, fixture?: string): Promise<{ p: DangoPlatform; events: DangoEvent[] }> {
  project = await createTestProject(fixture, files);
  platform = await project.open();
  return { p: platform, events: recordEvents(platform) };
}

// base -> bad -> child_of_bad -> grandchild ; base -> good
const CHAIN = {
  'models/marts/base.sql': 'select 1 as id',
  'models/marts/bad.sql': "select cast('x' as integer) as id from {{ ref('base') }}",
  'models/marts/child_of_bad.sql': "select * from {{ ref('bad') }}",
  'models/marts/grandchild.sql': "select * from {{ ref('child_of_bad') }}",
  'models/marts/good.sql': "select id + 1 as id from {{ ref('base') }}",
};

describe('runs', () => {
  it('skips the descendants of a failed model and runs the rest; reports the failure everywhere', async () => {
    const { p, events } = await setup(CHAIN);
    const r = await p.transform();
    const status = Object.fromEntries(r.results.map((x) => [x.name, x.status]));
    expect(status).toEqual({ base: 'success', bad: 'error', child_of_bad: 'skipped', grandchild: 'skipped', good: 'success' });
    expect(r.success).toBe(false);
    expect(r.counts).toEqual({ pass: 2, warn: 0, error: 1, skip: 2 });
    expect(r.results.find((x) => x.name === 'grandchild')!.message).toMatch(/child_of_bad did not succeed/);
    const failed = events.find((e) => e.type === 'dbt_run_failed')!;
    expect(failed).toMatchObject({ model: 'bad' });
    expect((failed as { error: string }).error).toMatch(/Conversion Error/);
    expect(events.some((e) => e.type === 'dbt_run_completed')).toBe(false);
    expect(events.filter((e) => e.type === 'dbt_model_completed').map((e) => `${(e as { model: string }).model}:${(e as { status: string }).status}`).sort())
      .toEqual(['bad:error', 'base:success', 'child_of_bad:skipped', 'good:success', 'grandchild:skipped']);
    const models = Object.fromEntries((await p.listModels()).map((m) => [m.name, m]));
    expect(models.bad).toMatchObject({ status: 'error' });
    expect(models.bad!.error).toMatch(/Conversion Error/);
    expect(models.grandchild!.status).toBe('skipped');
    expect(p.logs().some((l) => l.level === 'ERROR' && /bad/.test(l.message))).toBe(true);
  });

  it('runs one model with or without its descendants and names it in the events', async () => {
    const { p, events } = await setup({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}", 'models/c.sql': "select * from {{ ref('b') }}" });
    await p.runModel('a', { cascade: false });
    events.length = 0;
    expect((await p.runModel('b', { cascade: false })).results.map((x) => x.name)).toEqual(['b']);
    expect((await p.runModel('b')).results.map((x) => x.name)).toEqual(['b', 'c']);
    const started = events.filter((e) => e.type === 'dbt_run_started');
    expect(started[0]).toMatchObject({ model: 'b', message: 'dbt run started: b' });
    expect(events.filter((e) => e.type === 'dbt_run_completed').at(-1)).toMatchObject({ model: 'b', models: 2 });
    expect(() => p.startModelRun('nope')).toThrow(DangoError);
    try {
      p.startModelRun('nope');
    } catch (err) {
      expect((err as DangoError).code).toBe('NOT_FOUND');
    }
  });

  it('refuses a second run of a running model synchronously with CONFLICT, then accepts it again', async () => {
    const { p } = await setup({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = p.warehouse.write(() => gate); // holds the write queue so the run cannot finish
    const first = p.startModelRun('a');
    expect(first.model_name).toBe('a');
    expect(first.started_at).toMatch(/Z$/);
    let conflict: unknown;
    try {
      p.startModelRun('a');
    } catch (err) {
      conflict = err;
    }
    expect(conflict).toBeInstanceOf(DangoError);
    expect((conflict as DangoError).code).toBe('CONFLICT');
    expect((conflict as DangoError).message).toBe("Model 'a' is already running");
    // b is part of a's cascade, so it is busy too
    expect(() => p.startModelRun('b')).toThrow(/already running/);
    release();
    await held;
    expect((await first.done).success).toBe(true);
    expect((await p.startModelRun('a').done).success).toBe(true);
  });

  it('lists a model as running while its run is in progress, then with the run’s outcome', async () => {
    const { p } = await setup({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}", 'models/c.sql': 'select 2 as id' });
    await p.transform();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = p.warehouse.write(() => gate); // holds the write queue so the run cannot finish
    const run = p.startModelRun('a');
    const during = Object.fromEntries((await p.listModels()).map((m) => [m.name, m.status]));
    expect(during).toEqual({ a: 'running', b: 'running', c: 'success' });
    release();
    await held;
    await run.done;
    expect(Object.fromEntries((await p.listModels()).map((m) => [m.name, m.status]))).toEqual({ a: 'success', b: 'success', c: 'success' });
  });

  it('waits for a running model before a general run that includes it', async () => {
    const { p } = await setup({ 'models/a.sql': 'select 1 as id' });
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = p.warehouse.write(() => gate);
    const first = p.startModelRun('a');
    const second = p.transform({ select: ['a'] });
    release();
    await held;
    const [r1, r2] = await Promise.all([first.done, second]);
    expect(r1.success && r2.success).toBe(true);
    expect(r2.started_at >= r1.started_at).toBe(true);
  });

  it('holds the write queue per model, so other writes interleave between models of one run', async () => {
    const { p } = await setup({ 'models/first.sql': 'select 1 as id', 'models/second.sql': "select * from {{ ref('first') }}" });
    await p.warehouse.write((c) => c.run('CREATE TABLE main.interleave (second_exists BOOLEAN)'));
    const writes: Promise<void>[] = [];
    p.on('dbt_model_completed', (e) => {
      if (e.model === 'first') {
        writes.push(p.warehouse.write((c) => c.run(
          "INSERT INTO main.interleave SELECT count(*) > 0 FROM information_schema.tables WHERE table_schema = 'marts' AND table_name = 'second'",
        )));
      }
    });
    await p.transform();
    await Promise.all(writes);
    expect(await p.warehouse.query('SELECT second_exists FROM main.interleave')).toEqual([{ second_exists: false }]);
  });

  it('executes nothing when the project does not compile', async () => {
    const { p, events } = await setup({ 'models/a.sql': 'select 1 as id', 'models/b.sql': "select * from {{ ref('a') }}" });
    await p.transform();
    await p.warehouse.write((c) => c.run('CREATE TABLE main.marker AS SELECT 1 AS x'));
    project!.write('models/a.sql', 'select 2 as id');
    project!.write('models/c.sql', "select * from {{ ref('b') }}\n{% if %}");
    const before = events.length;
    await expect(p.transform()).rejects.toThrow(/Compilation error in models\/c\.sql line 2/);
    expect(await p.warehouse.query('SELECT id FROM main.a')).toEqual([{ id: 1 }]);
    const after = events.slice(before);
    expect(after[0]).toMatchObject({ type: 'dbt_run_failed', model: null });
    expect(after.some((e) => e.type === 'dbt_model_completed' || e.type === 'dbt_run_started')).toBe(false);
    expect(() => p.startModelRun('a')).toThrow(/models\/c\.sql line 2/);
  });

  it('lists models again after project files change', async () => {
    const { p } = await setup({ 'models/a.sql': 'select 1 as id' });
    expect((await p.listModels()).map((m) => m.name)).toEqual(['a']);
    project!.write('models/b.sql', "select * from {{ ref('a') }}");
    project!.write('models/props.yml', 'models:\n  - name: a\n    description: Now described\n');
    const models = await p.listModels();
    expect(models.map((m) => [m.name, m.description, m.depends_on])).toEqual([['a', 'Now described', []], ['b', '', ['a']]]);
  });

  it('lists no models (and does not fail) without a dbt project or without models', async () => {
    const { p } = await setup({});
    expect(await p.listModels()).toEqual([]);
    project!.remove('dbt_project.yml');
    expect(await p.listModels()).toEqual([]);
    await expect(p.transform()).rejects.toThrow(/No dbt project/);
  });
});

describe('tests and build', () => {
  const files = {
    'models/a.sql': "select * from (values (1, 'x'), (1, 'y'), (null, 'z')) t(id, kind)",
    'models/child.sql': "select * from {{ ref('a') }}",
    'models/props.yml': `version: 2
models:
  - name: a
    columns:
      - name: id
        tests:
          - unique
          - not_null:
              config:
                severity: warn
      - name: kind
        tests:
          - accepted_values:
              values: ['x', 'y', 'z']
`,
    'tests/no_big_ids.sql': "select * from {{ ref('a') }} where id > 100",
  };

  it('reports failing, warning and passing tests with failure counts', async () => {
    const { p, events } = await setup(files);
    await p.transform();
    const r = await p.test();
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName.unique_a_id).toMatchObject({ status: 'fail', failures: 1, message: 'Got 1 result, configured to fail if != 0' });
    expect(byName.not_null_a_id).toMatchObject({ status: 'warn', failures: 1 });
    expect(byName.accepted_values_a_kind__x__y__z).toMatchObject({ status: 'pass', failures: 0 });
    expect(byName.no_big_ids).toMatchObject({ status: 'pass' });
    expect(r.counts).toEqual({ pass: 2, warn: 1, error: 1, skip: 0 });
    expect(r.success).toBe(false);
    expect(events.find((e) => e.type === 'dbt_run_failed')).toMatchObject({ model: 'unique_a_id' });
  });

  it('skips the children of a model whose test fails in build, as dbt build does', async () => {
    const { p } = await setup(files);
    const r = await p.build();
    const status = Object.fromEntries(r.results.map((x) => [x.name, x.status]));
    expect(status).toMatchObject({ a: 'success', unique_a_id: 'fail', not_null_a_id: 'warn', child: 'skipped' });
    project!.write('models/props.yml', files['models/props.yml'].replace('          - unique\n', ''));
    const ok = await p.build();
    expect(Object.fromEntries(ok.results.map((x) => [x.name, x.status]))).toMatchObject({ a: 'success', child: 'success', not_null_a_id: 'warn' });
    expect(ok.success).toBe(true);
  });
});

describe('test thresholds', () => {
  it('applies warn_if, error_if, fail_calc and limit as dbt’s test materialization does', async () => {
    const { p } = await setup({
      'models/t.sql': 'select * from range(5) r(v)',
      'models/props.yml': `version: 2
models:
  - name: t
    columns:
      - name: v
        data_tests:
          - accepted_values:
              name: few_bad_rows_pass
              values: [0, 1]
              config: {warn_if: '>5', error_if: '>10'}
          - accepted_values:
              name: some_bad_rows_warn
              values: [0, 1]
              config: {warn_if: '>1', error_if: '>10'}
          - accepted_values:
              name: many_bad_rows_fail
              values: [0]
              config: {warn_if: '>1', error_if: '>3'}
          - accepted_values:
              name: capped_by_limit_warns
              values: [0]
              config: {warn_if: '>1', error_if: '>3', limit: 2}
          - accepted_values:
              name: severity_warn_never_fails
              values: [0]
              config: {severity: warn, error_if: '>0'}
          - accepted_values:
              name: fail_calc_sums_rows
              values: [0]
              config: {fail_calc: 'sum(n_records)', error_if: '> 3'}
`,
    });
    await p.transform();
    const r = await p.test();
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName.few_bad_rows_pass).toMatchObject({ status: 'pass', failures: 3 });
    expect(byName.some_bad_rows_warn).toMatchObject({ status: 'warn', failures: 3, message: 'Got 3 results, configured to warn if >1' });
    expect(byName.many_bad_rows_fail).toMatchObject({ status: 'fail', failures: 4, message: 'Got 4 results, configured to fail if >3' });
    expect(byName.capped_by_limit_warns).toMatchObject({ status: 'warn', failures: 2 });
    expect(byName.severity_warn_never_fails).toMatchObject({ status: 'warn', failures: 4 });
    expect(byName.fail_calc_sums_rows).toMatchObject({ status: 'fail', failures: 4 });
  });
});

describe('custom generic tests', () => {
  it('runs {% test %} macros from macros/ and tests/generic/ with arguments, where and source tests', async () => {
    const { p } = await setup({
      'macros/is_even.sql': '{% test is_even(model, column_name) %}\nselect * from {{ model }} where {{ column_name }} % 2 <> 0\n{% endtest %}',
      'tests/generic/at_least.sql': '{% test at_least(model, column_name, minimum=0) %}select * from {{ model }} where {{ column_name }} < {{ minimum }}{% endtest %}',
      'models/n.sql': 'select * from (values (2), (4), (7)) t(v)',
      'models/props.yml': `version: 2
sources:
  - name: lookup
    schema: raw_lookup
    tables:
      - name: codes
        columns:
          - name: v
            tests: [not_null]
models:
  - name: n
    columns:
      - name: v
        tests:
          - is_even
          - is_even:
              name: even_below_five
              config:
                where: "v < 5"
          - at_least:
              minimum: 3
`,
    });
    await p.warehouse.write((c) => c.run('CREATE SCHEMA raw_lookup; CREATE TABLE raw_lookup.codes AS SELECT 1 AS v'));
    const r = await p.build();
    const byName = Object.fromEntries(r.results.map((x) => [x.name, x]));
    expect(byName.is_even_n_v).toMatchObject({ status: 'fail', failures: 1 });
    expect(byName.even_below_five).toMatchObject({ status: 'pass' });
    expect(byName.at_least_n_v__3).toMatchObject({ status: 'fail', failures: 1 });
    expect(byName.source_not_null_lookup_codes_v).toMatchObject({ status: 'pass' });
  });
});

describe('project hooks', () => {
  const PROJECT = `name: hooks
models:
  hooks:
    +materialized: table
on-run-start:
  - "create table if not exists main.run_log (event varchar)"
  - "insert into main.run_log values ('start {{ target.name }}')"
on-run-end: "insert into main.run_log select 'end ' || string_agg(s, ',' order by s) from (values {% for s in schemas %}('{{ s }}'){{ ',' if not loop.last }}{% endfor %}) t(s)"
`;

  it('runs on-run-start before the models (their hooks can rely on it) and on-run-end after, with dbt’s schemas', async () => {
    const { p } = await setup({
      'dbt_project.yml': PROJECT,
      'models/a.sql': "{{ config(pre_hook=\"insert into main.run_log values ('pre {{ this.name }}')\") }}\nselect 1 as id",
      'models/b.sql': "{{ config(schema='other') }}\nselect * from {{ ref('a') }}",
    });
    const r = await p.transform();
    expect(r.success).toBe(true);
    const rows = await p.warehouse.query<{ event: string }>('select event from main.run_log');
    expect(rows.map((x) => x.event)).toEqual(['start dev', 'pre a', 'end main,other']);
    // compile runs no hooks
    await p.warehouse.query('delete from main.run_log');
    await p.compile();
    expect(await p.warehouse.query('select * from main.run_log')).toEqual([]);
  });

  it('stops the run with a clear error naming the hook when on-run-start fails', async () => {
    const { p } = await setup({
      'dbt_project.yml': 'name: hooks\non-run-start: ["insert into no_such_table values (1)"]\n',
      'models/a.sql': 'select 1 as id',
    });
    await expect(p.transform()).rejects.toThrow(/on-run-start hook 1 \(dbt_project\.yml\): .*no_such_table/);
    expect(await p.warehouse.query("select * from information_schema.tables where table_name = 'a'")).toEqual([]);
  });
});
