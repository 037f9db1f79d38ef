import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

const PROJECT = 'name: proj\nprofile: proj\nmodels:\n  proj:\n    +materialized: table\n';

describe('queries while compiling', () => {
  it('runs run_query, statement + load_result and the adapter’s introspection at run time, after the parents are built', async () => {
    const project = await createTestProject(undefined, {
      'dbt_project.yml': PROJECT,
      'models/base.sql': "select 1 as id, 'a' as code union all select 2, 'b' union all select 3, 'a'",
      'models/uses_queries.sql': `{% set cols = adapter.get_columns_in_relation(ref('base')) %}
{% set r = run_query("select distinct code from " ~ ref('base') ~ " order by 1") %}
{% call statement('mx', fetch_result=True) %}select max(id) as m from {{ ref('base') }}{% endcall %}
{% set mx = load_result('mx') %}
{% set rel = adapter.get_relation(database=this.database, schema=ref('base').schema, identifier='base') %}
{% set missing = load_relation(api.Relation.create(schema='main', identifier='nope')) %}
select
  '{{ cols | map(attribute="name") | join(",") }}' as col_names,
  '{{ cols[0].data_type if execute else "" }}' as first_type,
  '{{ r.columns[0].values() | join(",") if execute else "" }}' as codes,
  '{{ r.rows[1]["code"] if execute else "" }}' as second_code,
  {{ mx['data'][0][0] if execute else 0 }} as max_id,
  '{{ rel.type if rel else "none" }}' as rel_type,
  '{{ rel.is_table if rel else "" }}' as rel_is_table,
  '{{ missing is none }}' as missing_is_none,
  '{{ "executed" if execute else "parsed" }}' as phase`,
    });
    const p = await project.open();
    const r = await p.transform();
    expect(r.results.map((x) => [x.name, x.status, x.message])).toEqual([['base', 'success', 'SELECT 3'], ['uses_queries', 'success', 'SELECT 1']]);
    expect(await p.warehouse.query('SELECT * FROM main.uses_queries')).toEqual([
      { col_names: 'id,code', first_type: 'INTEGER', codes: 'a,b', second_code: 'b', max_id: 3, rel_type: 'table', rel_is_table: 'True', missing_is_none: 'True', phase: 'executed' },
    ]);
    // The compiled SQL holds what the queries answered.
    const compiled = readFileSync(path.join(project.dbtDir, 'target', 'compiled', 'proj', 'models', 'uses_queries.sql'), 'utf8');
    expect(compiled).toContain("'a,b' as codes");
  });

  it('fails only the model whose compile-time query fails, and skips its children', async () => {
    const project = await createTestProject(undefined, {
      'dbt_project.yml': PROJECT,
      'models/ok.sql': 'select 1 as id',
      'models/bad_query.sql': "{% set r = run_query('select * from no_such_table') %}select 1 as id",
      'models/after_bad.sql': "select * from {{ ref('bad_query') }}",
    });
    const p = await project.open();
    const r = await p.transform();
    expect(Object.fromEntries(r.results.map((x) => [x.name, x.status]))).toEqual({ ok: 'success', bad_query: 'error', after_bad: 'skipped' });
    expect(r.results.find((x) => x.name === 'bad_query')!.message).toMatch(/no_such_table/);
  });
});

describe('generic tests that introspect', () => {
  it('passes ref() arguments as relations, tests ephemeral models through their CTE, and reads result columns as a mapping', async () => {
    const project = await createTestProject(undefined, {
      'dbt_project.yml': PROJECT,
      'models/eph.sql': "{{ config(materialized='ephemeral') }}select 1 as id, 'a' as code",
      'models/other.sql': "select 1 as id, 'a' as code",
      'macros/same_columns.sql': `{% test same_columns(model, other) %}
{% set mine = adapter.get_columns_in_relation(other) | map(attribute='name') | list %}
{% set cols = run_query('select * from ' ~ other).columns %}
{% set names = [] %}{% for name, col in cols.items() %}{% do names.append(name ~ '=' ~ col.values()[0]) %}{% endfor %}
select * from {{ model }} where '{{ mine | join(",") }}|{{ names | join(",") }}|{{ other.is_table }}' != 'id,code|id=1,code=a|True'
{% endtest %}`,
      'models/schema.yml': "version: 2\nmodels:\n  - name: eph\n    tests:\n      - same_columns:\n          other: ref('other')\n",
    });
    const p = await project.open();
    const r = await p.build();
    expect(r.results.map((x) => [x.name, x.status])).toEqual([['other', 'success'], ['same_columns_eph_ref_other_', 'pass']]);
  });
});

describe('dbt’s global macros and relations', () => {
  it('renders the cross-database macros bare and as dbt.<name> on DuckDB, and lets dispatch: replace one', async () => {
    const project = await createTestProject(undefined, {
      'dbt_project.yml': `${PROJECT}dispatch:\n  - macro_namespace: dbt\n    search_order: [proj, dbt]\n`,
      'macros/override.sql': '{% macro duckdb__type_int() %}BIGINT{% endmacro %}',
      'models/macros_used.sql': `select
  {{ dbt.dateadd('day', 1, "date '2024-01-31'") }}::date as next_day,
  {{ datediff("date '2024-01-01'", "date '2024-03-01'", 'month') }} as months,
  {{ dbt.last_day("date '2024-02-10'", 'month') }} as feb_end,
  {{ dbt.date_trunc('month', "date '2024-02-10'") }}::date as feb_start,
  {{ dbt.split_part("'a-b-c'", "'-'", 2) }} as part2,
  {{ dbt.hash("'x'") }} as hashed,
  {{ dbt.safe_cast("'nope'", dbt.type_int()) }} as not_a_number,
  typeof({{ dbt.cast("'7'", type_int()) }}) as int_type,
  {{ dbt.string_literal(dbt.escape_single_quotes("it's")) }} as quoted,
  {{ dbt.concat(["'a'", "'b'"]) }} as ab,
  {{ dbt.position("'b'", "'abc'") }} as pos,
  {{ dbt.right("'abc'", 2) }} as right2,
  {{ dbt.replace("'aXa'", "'X'", "'-'") }} as replaced,
  {{ dbt.length("'abcd'") }} as len,
  {{ dbt.array_construct([1, 2]) }} as arr,
  {{ dbt.cast_bool_to_text('true') }} as bool_text,
  (select {{ dbt.listagg('c', "','", 'order by c') }} from (values ('b'), ('a')) t(c)) as listed,
  (select count(*) from ({{ dbt.date_spine('day', "date '2024-01-01'", "date '2024-01-08'") }}) s) as spine_days`,
    });
    const p = await project.open();
    const r = await p.transform();
    expect(r.success).toBe(true);
    const [row] = await p.warehouse.query<Record<string, unknown>>('SELECT * EXCLUDE (next_day, feb_end, feb_start), next_day::VARCHAR AS next_day, feb_end::VARCHAR AS feb_end, feb_start::VARCHAR AS feb_start FROM main.macros_used');
    expect(row).toEqual({
      months: 2, part2: 'b', hashed: '9dd4e461268c8034f5c8564e155c67a6', not_a_number: null, int_type: 'BIGINT', quoted: "it's", ab: 'ab', pos: 2,
      right2: 'bc', replaced: 'a-a', len: 4, arr: [1, 2], bool_text: 'true', listed: 'a,b', spine_days: 7,
      next_day: '2024-02-01', feb_end: '2024-02-29', feb_start: '2024-02-01',
    });
  });

  it('gives relations dbt’s attributes and methods', async () => {
    const project = await createTestProject(undefined, {
      'dbt_project.yml': PROJECT,
      'models/rel.sql': `{% set r = api.Relation.create(database='other_db', schema='s', identifier='t', type='view') %}
{% set mine = ref('base') %}
select '{{ r }}' as full_name, '{{ r.include(database=false) }}' as no_db, '{{ r.incorporate(path={"identifier": "u"}) }}' as renamed,
  '{{ r.is_view }}|{{ r.is_table }}|{{ r.identifier }}|{{ r.schema }}|{{ r.database }}' as attrs,
  '{{ mine }}|{{ mine.name }}|{{ mine.metadata.type }}|{{ mine is mapping }}' as mine,
  '{{ adapter.quote("a b") }}' as quoted`,
      'models/base.sql': 'select 1 as id',
    });
    const p = await project.open();
    expect((await p.transform()).success).toBe(true);
    expect(await p.warehouse.query('SELECT * FROM main.rel')).toEqual([{
      full_name: '"other_db"."s"."t"', no_db: '"s"."t"', renamed: '"other_db"."s"."u"', attrs: 'True|False|t|s|other_db',
      mine: '"main"."base"|base|DuckDBRelation|True', quoted: '"a b"',
    }]);
  });
});
