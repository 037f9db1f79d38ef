import { describe, expect, it } from 'vitest';
import { createNodeEnv, type GlobalContext, type NodeHooks } from '../../src/transform/jinja/dbt-context';
import { renderableObject } from '../../src/transform/jinja/jinja-values';
import { callMacro, createProjectEnv } from '../../src/transform/jinja/project-env';
import { compileTemplate, renderTemplate } from '../../src/transform/jinja/template';
import { TemplateError } from '../../src/transform/jinja/template-error';

const ctx = (over: Partial<GlobalContext> = {}): GlobalContext => ({
  projectName: 'proj',
  vars: { region: 'eu', proj: { scoped: 'yes' } },
  target: { name: 'dev', schema: 'main', type: 'duckdb', database: 'warehouse', threads: 4 },
  runStartedAt: new Date('2024-03-05T06:07:08.009Z'),
  invocationId: 'inv-1',
  fullRefresh: false,
  execute: true,
  docs: new Map([['status_doc', 'The order status']]),
  ...over,
});

const rel = (schema: string, name: string) => renderableObject({ database: 'warehouse', schema, identifier: name, name }, `"${schema}"."${name}"`);

function hooks(over: Partial<NodeHooks> = {}): NodeHooks & { configured: Record<string, unknown> } {
  const configured: Record<string, unknown> = {};
  return {
    configured,
    ref: (name, pkg) => rel(pkg ? `${pkg}_schema` : 'marts', name),
    source: (s, t) => rel(`raw_${s}`, t),
    config: (v) => void Object.assign(configured, v),
    configGet: (k) => configured[k],
    isIncremental: () => false,
    thisRelation: rel('marts', 'me'),
    node: { name: 'me' },
    ...over,
  };
}

function render(source: string, options: { macros?: string; hooks?: NodeHooks; ctx?: Partial<GlobalContext> } = {}): string {
  const macros = options.macros ? [compileTemplate(options.macros, 'macros/m.sql')] : [];
  const env = createProjectEnv(ctx(options.ctx), macros);
  return renderTemplate(compileTemplate(source, 'models/x.sql'), createNodeEnv(env, options.hooks ?? hooks()));
}

function renderError(source: string, macros?: string): TemplateError {
  try {
    render(source, { macros });
  } catch (err) {
    expect(err).toBeInstanceOf(TemplateError);
    return err as TemplateError;
  }
  throw new Error('expected a template error');
}

describe('dbt Jinja context', () => {
  it('renders ref (one and two arguments), source, this and relation attributes', () => {
    expect(render("select * from {{ ref('orders') }} join {{ ref('pkg', 'items') }} using (id)")).toBe('select * from "marts"."orders" join "pkg_schema"."items" using (id)');
    expect(render("{{ source('shop', 'customers') }} {{ this }} {{ this.schema }}.{{ this.identifier }}")).toBe('"raw_shop"."customers" "marts"."me" marts.me');
    expect(render("{{ 'from ' ~ ref('a') }}")).toBe('from "marts"."a"');
  });

  it('collects config() keyword arguments and answers config.get', () => {
    const h = hooks();
    const out = render("{{ config(materialized='incremental', unique_key=['a', 'b'], tags=['x']) }}select {{ config.get('materialized') }}, {{ config.get('nope', 'dflt') }}", { hooks: h });
    expect(out).toBe('select incremental, dflt');
    expect(h.configured).toEqual({ materialized: 'incremental', unique_key: ['a', 'b'], tags: ['x'] });
  });

  it('reads var (flat, project-scoped, default) and env_var (set, default, missing)', () => {
    process.env.DANGO_TEST_VAR = 'from-env';
    expect(render("{{ var('region') }} {{ var('scoped') }} {{ var('missing', 42) }} {{ env_var('DANGO_TEST_VAR') }} {{ env_var('DANGO_NOT_SET_X', 'd') }}")).toBe('eu yes 42 from-env d');
    expect(renderError("{{ var('missing') }}").message).toMatch(/Required var 'missing' not found/);
    expect(renderError("\n{{ env_var('DANGO_NOT_SET_X') }}").message).toMatch(/models\/x\.sql line 2: Env var required but not provided: 'DANGO_NOT_SET_X'/);
  });

  it('exposes target, run_started_at, is_incremental, doc and log', () => {
    const logged: string[] = [];
    const out = render(
      "{{ target.name }} {{ target.schema }} {{ target.type }} {{ target.database }} {{ run_started_at.strftime('%Y-%m-%d %H:%M') }} {{ is_incremental() }} {{ doc('status_doc') }}{{ log('hello', info=True) }}{{ log('quiet') }}",
      { ctx: { onLog: (m) => logged.push(m) }, hooks: hooks({ isIncremental: () => true }) },
    );
    expect(out).toBe('dev main duckdb warehouse 2024-03-05 06:07 True The order status');
    expect(logged).toEqual(['hello']);
    expect(render('{{ run_started_at }}')).toBe('2024-03-05 06:07:08.009000+00:00');
  });

  it('supports user macros with defaults, return(), set blocks, do, loops, call blocks and raw', () => {
    const macros = `{% macro cents(col, scale=2) -%}
({{ col }} / 100)::numeric(16, {{ scale }})
{%- endmacro %}
{% macro methods() %}{{ return(['card', 'coupon']) }}{% endmacro %}
{% macro wrap() %}[{{ caller() }}]{% endmacro %}`;
    const out = render(
      `{%- set ms = methods() -%}
{%- do ms.append('gift') -%}
{%- set label %}total{% endset -%}
select {{ cents('amount') }}, {{ cents('fee', scale=4) }},
{% for m in ms %}sum({{ m }}) as {{ m }}_{{ label }}{% if not loop.last %}, {% endif %}{% endfor %}
{% call wrap() %}inner{% endcall %} {% raw %}{{ kept }}{% endraw %}`,
      { macros },
    );
    expect(out).toBe('select (amount / 100)::numeric(16, 2), (fee / 100)::numeric(16, 4),\nsum(card) as card_total, sum(coupon) as coupon_total, sum(gift) as gift_total\n[inner] {{ kept }}');
  });

  it('controls whitespace exactly like Jinja2 (no trim_blocks, no lstrip_blocks) and drops comments', () => {
    expect(render('select\n{% for c in ["a", "b"] %}\n  {{ c }},\n{% endfor %}\n1')).toBe('select\n\n  a,\n\n  b,\n\n1');
    expect(render('select\n  {%- for c in ["a", "b"] %}\n  {{ c }},\n  {%- endfor %}\n1')).toBe('select\n  a,\n  b,\n1');
    expect(render('a {#- note -#} b {# another #}c\n')).toBe('ab c');
  });

  it('knows dbt’s as_text, as_number and as_bool filters next to the library’s own', () => {
    expect(render("{{ 5 | as_text }}|{{ '7' | as_number + 1 }}|{{ 'True' | as_bool }}|{{ 'A,B' | lower }}|{{ ['x', 'y'] | join('-') }}")).toBe('5|8|True|a,b|x-y');
  });

  it('dispatches adapter.dispatch to the duckdb__ macro, else the default__ one, and says when neither exists', () => {
    const macros = `{% macro my_concat(fields) %}{{ return(adapter.dispatch('my_concat', 'my_pkg')(fields)) }}{% endmacro %}
{% macro default__my_concat(fields) %}concat({{ fields | join(', ') }}){% endmacro %}
{% macro duckdb__my_concat(fields) %}({{ fields | join(' || ') }}){% endmacro %}
{% macro only_default() %}{{ return(adapter.dispatch('od')()) }}{% endmacro %}
{% macro default__od() %}generic{% endmacro %}`;
    expect(render("{{ my_concat(['a', 'b']) }}|{{ only_default() }}|{{ adapter.quote('x') }}", { macros })).toBe('(a || b)|generic|"x"');
    expect(renderError("{{ adapter.dispatch('nope')() }}").message).toMatch(/neither a 'duckdb__nope' nor a 'default__nope' macro/);
  });

  it('has dbt’s tojson (Python json.dumps spacing), fromjson and fromyaml (with a default)', () => {
    expect(render('{{ tojson({"a": [1, "x"], "b": none}) }}')).toBe('{"a": [1, "x"], "b": null}');
    expect(render('{{ fromjson("[1, 2]")[1] }}|{{ fromyaml("a: {b: 3}").a.b }}|{{ fromjson("not json", "dflt") }}')).toBe('2|3|dflt');
    expect(renderError('{{ fromjson("not json") }}').message).toMatch(/fromjson\(\)/);
  });

  it('prints booleans, None, lists, tuples and dicts as Jinja2 does (Python repr), so list vars are valid SQL', () => {
    expect(render("{{ true }} {{ 1 > 2 }} {{ ['card', \"it's\", 1, none, false] }} {{ (1, 'a') }} {{ {'k': 'v'} }} {{ 'x' }} {{ 2.0 }}"))
      .toBe(`True False ['card', "it's", 1, None, False] (1, 'a') {'k': 'v'} x 2.0`);
    expect(render('{% for i in [1, 2] %}{{ loop.last }}{% endfor %}')).toBe('FalseTrue');
    expect(render("{{ none }}|{{ var('unset', none) }}|{% set x = none %}{% if x is none %}{% endif %}{{ undefined_name }}|")).toBe('None|None||');
  });

  it('has Jinja2’s map(filter_name), sum, min and max over lists', () => {
    expect(render("{{ ['A', 'b'] | map('lower') | join(', ') }}|{{ [1, 2] | map('string') | join('-') }}|{{ [1, 2.5] | sum }}|{{ [3, 1, 2] | max }}|{{ [3, 1, 2] | min }}|{{ [{'a': 1}] | map(attribute='a') | list }}"))
      .toBe('a, b|1-2|3.5|3|1|[1]');
  });

  it('calls generate_schema_name macros with none and with a custom schema', () => {
    const macros = `{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}{{ target.schema }}{%- else -%}{{ custom_schema_name | trim }}{%- endif -%}
{%- endmacro %}`;
    const env = createProjectEnv(ctx(), [compileTemplate(macros, 'macros/g.sql')]);
    expect(callMacro(env, 'generate_schema_name', [null, {}])).toBe('main');
    expect(callMacro(env, 'generate_schema_name', [' marts ', {}])).toBe('marts');
    expect(() => callMacro(env, 'no_such_macro', [])).toThrow(/not defined/);
  });
});

describe('template errors name the file, the line and the problem', () => {
  it('reports an unclosed block at the line it opens', () => {
    const err = renderError('select 1\n\n{% if true %}\nselect 2');
    expect(err.file).toBe('models/x.sql');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/never closed \(missing 'endif'\)/);
  });

  it('reports a broken expression and a mismatched end tag at their lines', () => {
    expect(renderError('a\nb\n{{ 1 + }}').line).toBe(3);
    const err = renderError("{% for x in [1] %}\n{% endif %}");
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/unexpected 'endif'/);
    expect(renderError('x\n{% frobnicate %}').message).toMatch(/line 2: .*frobnicate/);
  });

  it('names an undefined function and its line', () => {
    const err = renderError('select 1\nfrom {{ not_a_macro(1) }}');
    expect(err.line).toBe(2);
    expect(err.message).toMatch(/'not_a_macro' is undefined/);
  });

  it('names the macro file when the error is inside a macro, and the calling model', () => {
    const err = renderError('{{ broken() }}', '{% macro broken() %}\n\n{{ missing_fn() }}\n{% endmacro %}');
    expect(err.file).toBe('macros/m.sql');
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/called from models\/x\.sql/);
  });

  it('finds the line of a runtime error that names no identifier', () => {
    const err = renderError("{% set n = none %}\nselect 1\n{% for i in [1, 2] %}\n  , {{ i }}\n  , {{ n + 1 }}\n{% endfor %}");
    expect(err.line).toBe(5);
    expect(err.message).toMatch(/models\/x\.sql line 5: /);
  });

  it('says why a dbt package macro or an unknown dbt.* macro cannot be called', () => {
    const pkg = renderError("select\n{{ dbt_utils.star(ref('a')) }}");
    expect(pkg.line).toBe(2);
    expect(pkg.message).toMatch(/'dbt_utils\.star': 'dbt_utils' is undefined \(not a macro or an installed package\); .*packages\.yml and run `dango deps`/);
    expect(renderError("{{ dbt.no_such_macro('x') }}").message).toMatch(/dbt's built-in macro 'dbt\.no_such_macro' is not available/);
    expect(renderError('{{ modules.os.getcwd() }}').message).toMatch(/'modules\.os\.getcwd' is not available .*\(its modules are datetime, pytz, re and itertools\)/);
    expect(renderError("{{ 'abc'.encode('utf-8') }}").message).toMatch(/the method 'encode\(\)' is not available on a string/);
  });

  it('passes errors raised on purpose through exceptions.raise_compiler_error', () => {
    expect(renderError("{{ exceptions.raise_compiler_error('custom stop') }}").message).toMatch(/custom stop/);
  });
});
