import { describe, expect, it } from 'vitest';
import type { ModelNode, TestNode } from '../../src/transform/graph/nodes';
import { buildManifest } from '../../src/transform/artifacts/manifest';
import { parseFiles, thrown } from './parse-helpers';

const model = (g: ReturnType<typeof parseFiles>, name: string) => g.byName.get(name) as ModelNode;

describe('project reading', () => {
  it('applies the models: config hierarchy by folder, with and without +, deeper levels winning', () => {
    const g = parseFiles({
      'dbt_project.yml': `name: proj
models:
  +tags: ['all']
  proj:
    materialized: view
    staging:
      +schema: staging
      tags: stg
    marts:
      +materialized: table
      schema: marts
      finance:
        +materialized: incremental
        +enabled: true
      legacy:
        enabled: false
`,
      'models/staging/stg_a.sql': 'select 1 as id',
      'models/marts/orders.sql': "select * from {{ ref('stg_a') }}",
      'models/marts/finance/revenue.sql': "{{ config(unique_key='id', tags=['money']) }}select * from {{ ref('orders') }}",
      'models/marts/legacy/old.sql': 'select 1',
      'models/top.sql': 'select 2',
    });
    expect(model(g, 'stg_a').config).toMatchObject({ materialized: 'view', schema: 'staging', tags: ['all', 'stg'] });
    expect(model(g, 'stg_a').schema).toBe('main_staging');
    expect(model(g, 'orders').config.materialized).toBe('table');
    expect(model(g, 'orders').schema).toBe('main_marts');
    expect(model(g, 'revenue').config).toMatchObject({ materialized: 'incremental', unique_key: 'id', tags: ['all', 'money'] });
    expect(model(g, 'revenue').fqn).toEqual(['proj', 'marts', 'finance', 'revenue']);
    expect(g.byName.has('old')).toBe(false);
    expect(model(g, 'top').schema).toBe('main');
    expect(model(g, 'top').relation).toBe('"main"."top"');
  });

  it('treats mapping-valued configs such as column_types as configs, not folders', () => {
    const g = parseFiles({
      'dbt_project.yml': 'name: proj\nseeds:\n  proj:\n    column_types:\n      code: varchar\n    lookups:\n      +schema: ref_data\n',
      'seeds/lookups/codes.csv': 'code\n001\n',
    });
    expect(g.byName.get('codes')!.config).toMatchObject({ column_types: { code: 'varchar' }, schema: 'ref_data' });
  });

  it('uses dbt’s schema rule (<target_schema>_<custom>) when the project has no generate_schema_name macro, and honours a custom one', () => {
    const base = { 'dbt_project.yml': 'name: proj\nmodels:\n  proj:\n    +schema: analytics\n', 'models/a.sql': 'select 1' };
    expect(model(parseFiles(base), 'a').schema).toBe('main_analytics');
    const custom = parseFiles({ ...base, 'macros/s.sql': "{% macro generate_schema_name(custom_schema_name, node) %}x_{{ custom_schema_name }}_{{ node.name }}{% endmacro %}" });
    expect(model(custom, 'a').schema).toBe('x_analytics_a');
  });

  it('reads properties: descriptions with doc(), columns, tests and data_tests, sources with schema and identifier', () => {
    const g = parseFiles({
      'models/a.sql': "select * from {{ source('shop', 'orders') }}",
      'models/docs.md': '{% docs a_doc %}\nModel A, documented.\n{% enddocs %}',
      'models/props.yml': `version: 2
sources:
  - name: shop
    schema: raw_shop
    description: The shop database
    tables:
      - name: orders
        identifier: orders_v2
        columns:
          - name: id
            tests: [unique]
models:
  - name: a
    description: '{{ doc("a_doc") }}'
    config:
      materialized: table
    columns:
      - name: id
        description: The key
        data_tests:
          - not_null
          - accepted_values:
              values: [1, 2]
              config:
                severity: warn
      - name: n
        tests:
          - accepted_values:
              values: [1, 2]
              quote: false
`,
    });
    const a = model(g, 'a');
    expect(a.description).toBe('Model A, documented.');
    expect(a.config.materialized).toBe('table');
    expect(a.columns[0]).toMatchObject({ name: 'id', description: 'The key' });
    const src = g.sources.get('shop.orders')!;
    expect(src).toMatchObject({ schema: 'raw_shop', identifier: 'orders_v2', relation: '"raw_shop"."orders_v2"', source_description: 'The shop database' });
    expect(a.depends_on).toEqual(['source.proj.shop.orders']);
    const tests = [...g.nodes.values()].filter((n): n is TestNode => n.resource_type === 'test');
    expect(tests.map((t) => t.name).sort()).toEqual(['accepted_values_a_id__1__2', 'accepted_values_a_n__False__1__2', 'not_null_a_id', 'source_unique_shop_orders_id']);
    expect(tests.find((t) => t.test_name === 'accepted_values')!.config.severity).toBe('warn');
  });

  it('builds parent and child maps and a dependency order', () => {
    const g = parseFiles({
      'models/a.sql': 'select 1 as id',
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('a') }} join {{ ref('b') }} using (id)",
    });
    expect(g.parentMap.get('model.proj.c')).toEqual(['model.proj.a', 'model.proj.b']);
    expect(g.childMap.get('model.proj.a')).toEqual(['model.proj.b', 'model.proj.c']);
    const order = g.order.filter((id) => id.startsWith('model.'));
    expect(order.indexOf('model.proj.a')).toBeLessThan(order.indexOf('model.proj.b'));
    expect(order.indexOf('model.proj.b')).toBeLessThan(order.indexOf('model.proj.c'));
  });
});

describe('project errors', () => {
  it('names every model of a cycle', () => {
    const err = thrown(() => parseFiles({
      'models/a.sql': "select * from {{ ref('c') }}",
      'models/b.sql': "select * from {{ ref('a') }}",
      'models/c.sql': "select * from {{ ref('b') }}",
    }));
    expect(err.message).toMatch(/cycle/);
    for (const m of ['a', 'b', 'c']) expect(err.message).toContain(m);
    expect(err.message).toMatch(/(\w) -> .* -> \1$/);
  });

  it('names an unknown ref, the referencing file and the line', () => {
    const err = thrown(() => parseFiles({ 'models/x/m.sql': "select ghost\nfrom {{ ref('ghost') }}" }));
    expect(err.message).toBe("Compilation error in models/x/m.sql line 2: ref('ghost') refers to 'ghost', which is not a model or seed of this project");
  });

  it('renders Jinja in dbt_project.yml configs, source schema/identifier and test configs, as dbt does', () => {
    const g = parseFiles({
      'dbt_project.yml': `name: proj
vars: {raw_schema: landing, start: '2024-01-01'}
models:
  proj:
    +schema: "{{ 'mart' ~ 's' }}"
    prod_only:
      +enabled: "{{ target.name == 'prod' }}"
    +post-hook: "grant select on {{ this }} to reporter"
tests:
  +severity: "{{ 'warn' if target.name == 'dev' else 'error' }}"
`,
      'models/prod_only/p.sql': 'select 1 as x',
      'models/m.sql': "select * from {{ source('raw', 't') }}",
      'models/src.yml': `version: 2
sources:
  - name: raw
    schema: "{{ var('raw_schema') }}"
    tables:
      - name: t
        identifier: "{{ 'base_' ~ 'tbl' }}"
models:
  - name: m
    config:
      materialized: "{{ 'table' }}"
    columns:
      - name: x
        tests:
          - not_null:
              config:
                where: "d > '{{ var('start') }}'"
`,
    });
    expect(g.byName.has('p')).toBe(false);
    const m = g.byName.get('m')! as ModelNode;
    expect(m.config).toMatchObject({ schema: 'marts', materialized: 'table', 'post-hook': ['grant select on {{ this }} to reporter'] });
    expect(g.sources.get('raw.t')!.relation).toBe('"landing"."base_tbl"');
    const test = [...g.nodes.values()].find((n): n is TestNode => n.resource_type === 'test')!;
    expect(test.config).toMatchObject({ where: "d > '2024-01-01'", severity: 'warn' });
  });

  it('refuses a macro defined in two files, naming both, as dbt does', () => {
    const err = thrown(() => parseFiles({ 'macros/a.sql': '{% macro m() %}1{% endmacro %}', 'macros/b.sql': '{% macro m() %}2{% endmacro %}', 'models/x.sql': 'select {{ m() }}' }));
    expect(err.message).toMatch(/macros\/b\.sql: dbt found two macros named 'm' in the project \(macros\/a\.sql and macros\/b\.sql\)/);
  });

  it('parses a model that calls run_query or statement (they do nothing while parsing, as in dbt)', () => {
    const g = parseFiles({
      'models/raw.sql': "select 'card' as m",
      'models/pivot.sql': `{% set q %}select distinct m from {{ ref('raw') }}{% endset %}
{% set results = run_query(q) %}
{% if execute %}{% set ms = results.columns[0].values() %}{% else %}{% set ms = [] %}{% endif %}
{% call statement('x', fetch_result=True) %}select 1{% endcall %}
select 1 as x`,
    });
    expect(model(g, 'pivot').depends_on).toEqual(['model.proj.raw']);
  });

  it('names relations through a project’s generate_alias_name macro, with the custom alias or none', () => {
    const g = parseFiles({
      'macros/alias.sql': `{% macro generate_alias_name(custom_alias_name=none, node=none) -%}
  {%- if custom_alias_name -%}{{ custom_alias_name | trim }}{%- else -%}{{ node.config.materialized }}_{{ node.name }}{%- endif -%}
{%- endmacro %}`,
      'models/m.sql': 'select 1 as x',
      'models/n.sql': "{{ config(alias='custom_n') }}select 1 as x",
      'seeds/s.csv': 'a\n1\n',
    });
    expect(model(g, 'm')).toMatchObject({ alias: 'view_m', relation: '"main"."view_m"' });
    expect(model(g, 'n').alias).toBe('custom_n');
    expect(g.byName.get('s')!.alias).toBe('seed_s');
  });

  it('renders Jinja test arguments natively (a list var becomes the values list) and names the test from the raw text', () => {
    const g = parseFiles({
      'dbt_project.yml': "name: proj\nvars:\n  statuses: ['placed', \"it's\", 3, true]\n",
      'models/m.sql': 'select 1 as s',
      'models/p.yml': "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: s\n        tests:\n          - accepted_values:\n              values: \"{{ var('statuses') }}\"\n",
    });
    const test = [...g.nodes.values()].find((n): n is TestNode => n.resource_type === 'test')!;
    expect(test.name).toBe('accepted_values_m_s___var_statuses_');
    expect(test.kwargs).toEqual({ values: ['placed', "it's", 3, true] });
  });

  it('inherits a source’s loaded_at_field and freshness into its tables and writes them to the manifest', () => {
    const g = parseFiles({
      'models/src.yml': `version: 2
sources:
  - name: shop
    loader: fivetran
    loaded_at_field: _loaded_at
    freshness:
      warn_after: {count: 12, period: hour}
    tables:
      - name: orders
      - name: customers
        loaded_at_field: updated_at
        freshness: null
`,
    });
    const m = buildManifest(g, new Map(), 'inv', '2024-01-01T00:00:00Z') as { sources: Record<string, Record<string, unknown>> };
    expect(m.sources['source.proj.shop.orders']).toMatchObject({
      loader: 'fivetran', loaded_at_field: '_loaded_at',
      freshness: { warn_after: { count: 12, period: 'hour' }, error_after: { count: null, period: null }, filter: null },
    });
    expect(m.sources['source.proj.shop.customers']).toMatchObject({ loaded_at_field: 'updated_at', freshness: { warn_after: { count: null, period: null } } });
  });

  it('resolves a ref to a snapshot; says a ref to a Python model is unsupported, naming the file and line', () => {
    const g = parseFiles({
      'snapshots/orders_snap.sql': "{% snapshot orders_snapshot %}\n{{ config(unique_key='id', strategy='check', check_cols='all') }}\nselect 1 as id\n{% endsnapshot %}",
      'models/a.sql': "select 1\nfrom {{ ref('orders_snapshot') }}",
    });
    expect(g.nodes.get('model.proj.a')!.depends_on).toEqual(['snapshot.proj.orders_snapshot']);
    expect(g.nodes.get('snapshot.proj.orders_snapshot')).toMatchObject({ schema: 'main', alias: 'orders_snapshot', relation: '"main"."orders_snapshot"', original_file_path: 'snapshots/orders_snap.sql' });
    const open = thrown(() => parseFiles({ 'snapshots/s.sql': 'select 1\n{% snapshot s %}\nselect 1' }));
    expect(open.message).toBe('Compilation error in snapshots/s.sql line 2: {% snapshot s %} has no {% endsnapshot %}');
    const line = thrown(() => parseFiles({ 'snapshots/s.sql': '{% snapshot s %}\n{{ config(strategy="check") }}\nselect {{ nope( }}\n{% endsnapshot %}' }));
    expect(line.message).toMatch(/^Compilation error in snapshots\/s\.sql line 3:/);
    const py = thrown(() => parseFiles({ 'models/py_model.py': 'def model(dbt, session):\n    return None\n', 'models/a.sql': "select * from {{ ref('py_model') }}" }));
    expect(py.message).toMatch(/refers to the Python model 'py_model' \(models\/py_model\.py\): Python models are not supported/);
  });

  it('refuses refs to disabled models, undeclared sources and unknown generic tests', () => {
    expect(thrown(() => parseFiles({ 'models/a.sql': "{{ config(enabled=false) }}select 1", 'models/b.sql': "select * from {{ ref('a') }}" })).message).toMatch(/disabled model 'a'/);
    expect(thrown(() => parseFiles({ 'models/a.sql': "select * from {{ source('nope', 't') }}" })).message).toMatch(/models\/a\.sql line 1: source\('nope', 't'\) is not declared/);
    expect(thrown(() => parseFiles({ 'models/a.sql': 'select 1 as id', 'models/p.yml': 'models:\n  - name: a\n    columns:\n      - name: id\n        tests: [is_prime]\n' })).message).toMatch(/unknown test 'is_prime' on a\.id/);
    expect(thrown(() => parseFiles({ 'models/a.sql': 'select 1 as id', 'models/p.yml': 'models:\n  - name: a\n    tests:\n      - dbt_utils.unique_combination_of_columns:\n          combination_of_columns: [id]\n' })).message)
      .toMatch(/models\/p\.yml: test 'dbt_utils\.unique_combination_of_columns' on a comes from the dbt package 'dbt_utils', which is not installed: add it to packages\.yml and run `dango deps`/);
  });

  it('reports duplicate model names, bad YAML and a bad dbt_project.yml', () => {
    expect(thrown(() => parseFiles({ 'models/a/x.sql': 'select 1', 'models/b/x.sql': 'select 2' })).message).toMatch(/Two resources are named 'x': models\/a\/x\.sql and models\/b\/x\.sql/);
    expect(thrown(() => parseFiles({ 'models/p.yml': 'models: [\n  - broken' })).message).toMatch(/models\/p\.yml: invalid YAML/);
    expect(thrown(() => parseFiles({ 'dbt_project.yml': 'name: "has space"\n' })).message).toMatch(/'name' must be an identifier/);
    expect(thrown(() => parseFiles({ 'models/d.md': '{% docs open %}\nno end' })).message).toMatch(/models\/d\.md line 1: .*not closed/);
  });

  it('reports template errors found while parsing with file and line', () => {
    const err = thrown(() => parseFiles({ 'models/ok.sql': 'select 1', 'models/bad.sql': 'select\n  {{ ref("ok") }\n' }));
    expect(err.message).toMatch(/^Compilation error in models\/bad\.sql line 2:/);
  });
});
