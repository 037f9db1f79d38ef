import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoPlatform, NodeResult } from '../../src/index';
import { closeTestProjects, createTestProject, type TestProject } from './helpers';

afterEach(closeTestProjects);

const SETUP = `
  CREATE SCHEMA crm;
  CREATE TABLE crm.customers (id INTEGER, name VARCHAR, email VARCHAR);
  INSERT INTO crm.customers VALUES (1, 'Ann', 'ann@a.io');
  CREATE TABLE crm.orders (order_id INTEGER, customer_id INTEGER);
  CREATE TABLE crm.events (id INTEGER, amount INTEGER);
`;

async function open(files: Record<string, string> = {}): Promise<{ project: TestProject; p: DangoPlatform }> {
  const project = await createTestProject('unit-tests', files);
  const p = await project.open();
  await p.warehouse.write((c) => c.run(SETUP));
  return { project, p };
}

const byName = (r: { results: NodeResult[] }): Record<string, NodeResult> => Object.fromEntries(r.results.map((x) => [x.name, x]));

const WRONG_DIFF = [
  'Unit test wrong_order_count of customer_emails failed: actual differs from expected:',
  '  | id | n_orders',
  '--+----+---------',
  '- | 1  | 3',
  '+ | 1  | 2',
  '  | 2  | 0',
  '(- expected but not returned, + returned but not expected)',
].join('\n');

describe('unit tests', () => {
  it('build runs each unit test before its model; a failing one shows a diff and skips its model and children', async () => {
    const { project, p } = await open();
    const r = await p.build();
    const res = byName(r);
    expect(res.valid_emails).toMatchObject({ status: 'pass', resource_type: 'unit_test' });
    expect(res.only_new_events!.status).toBe('pass');
    expect(res.vat_override!.status).toBe('pass');
    expect(res.wrong_order_count).toMatchObject({ status: 'fail', failures: 2, message: WRONG_DIFF });
    expect(res.customer_emails!.status).toBe('skipped');
    expect(res.events_inc!.status).toBe('success');
    const order = r.results.map((x) => x.name);
    expect(order.indexOf('stg_customers')).toBeLessThan(order.indexOf('valid_emails'));
    expect(order.indexOf('only_new_events')).toBeLessThan(order.indexOf('events_inc'));
    expect(order.indexOf('vat_override')).toBeLessThan(order.indexOf('prices'));
    expect(r.success).toBe(false);

    const manifest = JSON.parse(readFileSync(path.join(project.dbtDir, 'target', 'manifest.json'), 'utf8'));
    const ut = manifest.unit_tests['unit_test.unit_shop.customer_emails.valid_emails'];
    expect(ut).toMatchObject({ resource_type: 'unit_test', model: 'customer_emails', depends_on: { nodes: ['model.unit_shop.customer_emails'] }, tags: ['emails'] });
    expect(ut.given.map((g: { input: string; format: string }) => [g.input, g.format])).toEqual([["ref('stg_customers')", 'dict'], ["source('crm', 'orders')", 'csv']]);
    expect(manifest.nodes['unit_test.unit_shop.customer_emails.valid_emails']).toBeUndefined();
    const results = JSON.parse(readFileSync(path.join(project.dbtDir, 'target', 'run_results.json'), 'utf8'));
    const failed = results.results.find((x: { unique_id: string }) => x.unique_id === 'unit_test.unit_shop.customer_emails.wrong_order_count');
    expect(failed).toMatchObject({ status: 'fail', failures: 2, message: WRONG_DIFF });
    expect(failed.compiled_code).toContain('__dbt__cte__unit_given_1');
  });

  it('dango test runs unit tests and data tests; select by name, test_type:unit and tag', async () => {
    const { project, p } = await open({ 'models/schema.yml': 'models:\n  - name: stg_customers\n    columns:\n      - name: id\n        tests: [not_null]\n' });
    await p.transform({ select: ['stg_customers'] });
    const all = await p.test();
    expect(Object.keys(byName(all)).sort()).toEqual(['not_null_stg_customers_id', 'only_new_events', 'valid_emails', 'vat_override', 'wrong_order_count']);
    expect((await p.test({ select: ['test_type:unit'] })).results.map((x) => x.name).sort()).toEqual(['only_new_events', 'valid_emails', 'vat_override', 'wrong_order_count']);
    expect((await p.test({ select: ['valid_emails'] })).results.map((x) => [x.name, x.status])).toEqual([['valid_emails', 'pass']]);
    expect((await p.test({ select: ['tag:emails'] })).results.map((x) => x.name)).toEqual(['valid_emails']);
    expect((await p.test({ select: ['customer_emails'] })).results.map((x) => x.name).sort()).toEqual(['valid_emails', 'wrong_order_count']);
    expect((await p.test({ select: ['test_type:data'] })).results.map((x) => x.name)).toEqual(['not_null_stg_customers_id']);
    // dbt_project.yml `unit_tests:` configs apply along the fqn (project, folders, model, test).
    project.write('dbt_project.yml', 'name: unit_shop\nvars:\n  vat: 0.2\nunit_tests:\n  unit_shop:\n    +tags: [all_units]\n    customer_emails:\n      +enabled: false\n');
    expect((await p.test({ select: ['tag:all_units'] })).results.map((x) => x.name).sort()).toEqual(['only_new_events', 'vat_override']);
  });

  it('types given columns from the warehouse (absent ones are typed NULLs); rows that differ only in type still match', async () => {
    const { p } = await open({
      'models/typed.sql': "select id, name is null as no_name, email from {{ ref('stg_customers') }}",
      'models/typed_tests.yml': [
        'unit_tests:',
        '  - name: typed_nulls',
        '    model: typed',
        '    given:',
        "      - input: ref('stg_customers')",
        '        format: csv',
        '        rows: |',
        '          id,email',
        '          7,',
        '          "8","a,b"',
        '    expect:',
        '      rows:',
        "        - {id: '7', no_name: true, email: null}",
        "        - {id: 8, no_name: true, email: 'a,b'}",
      ].join('\n'),
    });
    await p.transform({ select: ['stg_customers'] });
    const r = await p.test({ select: ['typed_nulls'] });
    expect(r.results.map((x) => [x.name, x.status, x.message])).toEqual([['typed_nulls', 'pass', null]]);
  });

  it('compares rows as multisets: a duplicate row too many or too few fails; a disabled model disables its unit tests', async () => {
    const ut = (name: string, rows: string) => `  - name: ${name}\n    model: twice\n    given:\n      - input: ref('stg_customers')\n        rows: [{id: 1}]\n    expect:\n      rows: ${rows}\n`;
    const { p } = await open({
      'models/twice.sql': "select id from {{ ref('stg_customers') }} union all select id from {{ ref('stg_customers') }}",
      'models/off.sql': "{{ config(enabled=false) }}select 1 as id",
      'models/twice.yml': `unit_tests:\n${ut('two_ones', '[{id: 1}, {id: 1}]')}${ut('one_one', '[{id: 1}]')}${ut('three_ones', '[{id: 1}, {id: 1}, {id: 1}]')}`
        + "  - name: of_disabled\n    model: off\n    given: []\n    expect:\n      rows: [{id: 1}]\n",
    });
    const r = byName(await p.test());
    expect(Object.keys(r).sort()).not.toContain('of_disabled');
    expect(r.two_ones!.status).toBe('pass');
    expect(r.one_one).toMatchObject({ status: 'fail', failures: 1 });
    expect(r.one_one!.message).toContain('+ | 1\n  | 1\n');
    expect(r.three_ones).toMatchObject({ status: 'fail', failures: 1 });
    expect(r.three_ones!.message).toContain('- | 1\n  | 1\n  | 1\n');
  });

  it('reports bad unit tests clearly: a missing input, an unknown expected column, an unknown model', async () => {
    const { project, p } = await open({
      'models/more_tests.yml': [
        'unit_tests:',
        '  - name: missing_input',
        '    model: customer_emails',
        '    given:',
        "      - input: ref('stg_customers')",
        '        rows: [{id: 1}]',
        '    expect:',
        '      rows: [{id: 1}]',
        '  - name: unknown_column',
        '    model: stg_customers',
        '    given:',
        "      - input: source('crm', 'customers')",
        '        rows: [{id: 1}]',
        '    expect:',
        '      rows: [{id: 1, nope: 2}]',
      ].join('\n'),
    });
    const r = byName(await p.test({ select: ['missing_input', 'unknown_column'] }));
    expect(r.missing_input).toMatchObject({ status: 'error' });
    expect(r.missing_input!.message).toContain("the model customer_emails uses source('crm', 'orders'), which no given input of unit test missing_input provides");
    expect(r.unknown_column!.message).toContain('expected column(s) nope are not in the output of stg_customers (its columns: id, name, email)');
    // Before stg_customers is built, a given input that omits a column the model reads cannot be typed.
    const early = byName(await p.test({ select: ['wrong_order_count'] }));
    expect(early.wrong_order_count!.status).toBe('error');
    expect(early.wrong_order_count!.message).toMatch(/Binder Error.*name.*\(ref\('stg_customers'\) does not exist in the warehouse yet, so only the given columns exist: build it first, or give every column the model uses\)$/s);
    project.write('models/bad.yml', "unit_tests:\n  - name: ghost\n    model: nobody\n    given: []\n    expect: {rows: []}\n");
    await expect(p.test()).rejects.toThrow("Compilation error in models/bad.yml: unit test 'ghost' tests 'nobody', which is not a model of this project");
  });
});
