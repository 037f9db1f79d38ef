import { afterEach, describe, expect, it } from 'vitest';
import { adaptSql } from '../../src/transform/adapter/duckdb-adapter';
import { createNodeEnv, type GlobalContext } from '../../src/transform/jinja/dbt-context';
import { toRuntime } from '../../src/transform/jinja/jinja-values';
import { preprocess } from '../../src/transform/jinja/preprocess';
import { createProjectEnv } from '../../src/transform/jinja/project-env';
import { compileTemplate, renderTemplate } from '../../src/transform/jinja/template';
import { closeTestProjects, createTestProject } from './helpers';

afterEach(closeTestProjects);

const ctx: GlobalContext = {
  projectName: 'proj', vars: {}, target: { name: 'dev', schema: 'main', type: 'duckdb', database: 'warehouse', threads: 1 },
  runStartedAt: new Date('2024-03-05T06:07:08.009Z'), invocationId: 'inv-1', fullRefresh: false, execute: false, docs: new Map(),
};

function render(source: string): string {
  return renderTemplate(compileTemplate(source, 'models/x.sql'), createNodeEnv(createProjectEnv(ctx, []), {
    ref: () => toRuntime(null), source: () => toRuntime(null), config: () => undefined, configGet: () => undefined, isIncremental: () => false, thisRelation: null, node: { name: 'x' },
  }));
}

describe('Jinja tests with an argument', () => {
  it('are written `x is test arg` or `x is test(arg)`, negated with `is not`', () => {
    expect(render('{% for i in range(1, 7) %}{% if i is divisibleby 3 %}{{ i }}{% endif %}{% endfor %}')).toBe('36');
    expect(render('{{ 10 is divisibleby(5) }}|{{ 10 is not divisibleby 3 }}|{{ 7 is divisibleby 2 and true }}')).toBe('True|True|False');
    expect(render("{{ 'a' is in ['a', 'b'] }}|{{ 'z' is not in ['a', 'b'] }}|{{ 'k' is in {'k': 1} }}|{{ 'ell' is in 'hello' }}")).toBe('True|True|True|True');
    expect(render('{% set a = [1] %}{% set b = a %}{{ a is sameas b }}|{{ none is sameas none }}|{{ 3 is eq 3 }}|{{ 3 is ne 3 }}')).toBe('True|True|True|False');
    expect(render('{{ 2 is lt 3 }}|{{ 3 is le 3 }}|{{ 4 is gt 3 }}|{{ 3 is ge 4 }}|{{ 2 is lessthan 3 }}|{{ 2 is greaterthan 3 }}|{{ 3 is equalto 3 }}')).toBe('True|True|True|False|True|False|True');
    expect(render('{% set n = {"x": 4} %}{{ n.x is divisibleby 2 }}|{{ [1, 2, 3, 4] | select("divisibleby", 2) | list }}')).toBe('True|[2, 4]');
  });

  it('leaves string literals and tests without arguments alone, and keeps line numbers', () => {
    expect(render("{{ 'x is in list' }}|{{ none is none }}|{{ 3 is odd }}")).toBe('x is in list|True|True');
    const src = '{% if 4 is divisibleby 2 %}\nyes\n{% endif %}';
    expect(preprocess(src).source.split('\n')).toHaveLength(3);
    expect(() => render('{{ 3 is divisibleby }}')).toThrow();
  });
});

describe('backslash-newline inside a string literal', () => {
  it('drops both, as Python does, and keeps the lines of the file', () => {
    expect(render("{{ 'one \\\ntwo' }}|{{ \"a\\\nb\\\nc\" | upper }}|{{ 'kept\\\\n' }}")).toBe('one two|ABC|kept\\n');
    const src = "{% set q = 'select \\\n1' %}\n{{ q }}";
    expect(preprocess(src).source.split('\n')).toHaveLength(src.split('\n').length);
    expect(render(src)).toBe('\nselect 1');
  });
});

describe('<database>.information_schema on DuckDB', () => {
  it('is rewritten to DuckDB’s information_schema, quoted or not', () => {
    expect(adaptSql('select * from warehouse.information_schema.tables t')).toBe('select * from information_schema.tables t');
    expect(adaptSql('select * from "my db"."information_schema"."columns"')).toBe('select * from "information_schema"."columns"');
    expect(adaptSql('select information_schema from main.t')).toBe('select information_schema from main.t');
  });

  it('lets package-style SQL that reads it run in a model and in run_query', async () => {
    const project = await createTestProject(undefined, {
      'models/marts/base_rel.sql': 'select 1 as id',
      'models/marts/listed.sql': [
        "{% set rows = run_query(\"select table_name from \" ~ target.database ~ \".information_schema.tables where table_name = 'base_rel'\") %}",
        "select count(*) as n, '{{ rows.columns[0].values() | join(\",\") if execute else \"\" }}' as seen",
        "from {{ target.database }}.information_schema.tables where table_name = 'base_rel' and table_schema = '{{ ref('base_rel').schema }}'",
      ].join('\n'),
    });
    const p = await project.open();
    const r = await p.transform();
    expect(r.results.map((x) => `${x.name}:${x.status}`).sort()).toEqual(['base_rel:success', 'listed:success']);
    expect(await p.warehouse.query('select n::int as n, seen from marts.listed')).toEqual([{ n: 1, seen: 'base_rel' }]);
  });
});

describe('Python dates in a project (yml test arguments, config, macros)', () => {
  it('builds with timedelta arithmetic in yml, pytz-localized comparisons in config(enabled=...) and map over a string', async () => {
    const dt = 'modules.datetime';
    const project = await createTestProject(undefined, {
      'macros/is_past.sql': `{% macro is_past(day) %}{{ return(modules.pytz.timezone('Asia/Tokyo').localize(${dt}.datetime.fromisoformat(day)).timestamp() < run_started_at.timestamp()) }}{% endmacro %}`,
      'tests/generic/on_or_after.sql': "{% test on_or_after(model, column_name, since) %}select * from {{ model }} where {{ column_name }} < cast('{{ since }}' as date){% endtest %}",
      'models/marts/days.sql': `select date '2024-01-01' + range::int as day, '{{ 'ab' | map('upper') | join }}' as tag from range(3)`,
      'models/marts/was_enabled.sql': "{{ config(enabled=is_past('2020-01-01')) }}select 1 as one",
      'models/marts/was_disabled.sql': "{{ config(enabled=is_past('9999-12-31')) }}select 1 as one",
      'models/marts/days.yml': [
        'version: 2',
        'models:',
        '  - name: days',
        '    columns:',
        '      - name: day',
        '        data_tests:',
        `          - on_or_after: {since: "{{ ${dt}.date(2024, 1, 2) - ${dt}.timedelta(1) }}"}`,
        `          - on_or_after: {since: "{{ ${dt}.date(2024, 1, 1) + ${dt}.timedelta(days=2) }}"}`,
      ].join('\n'),
    });
    const p = await project.open();
    const r = await p.build();
    expect(r.results.map((x) => `${x.name}:${x.status}`).sort()).toEqual([
      'days:success',
      // Test names come from the arguments as written (as dbt's); 2024-01-01 + 2 days finds the first two days, 2024-01-02 - 1 none.
      'on_or_after_days_day___modules_datetime_date_2024_1_1_modules_datetime_timedelta_days_2_:fail',
      'on_or_after_days_day___modules_datetime_date_2024_1_2_modules_datetime_timedelta_1_:pass',
      'was_enabled:success',
    ]);
    expect(r.results.filter((x) => x.status === 'fail').map((x) => x.failures)).toEqual([2]);
    expect(await p.warehouse.query('select count(*)::int as n, min(tag) as tag from marts.days')).toEqual([{ n: 3, tag: 'AB' }]);
  });
});
