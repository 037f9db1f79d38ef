import { Environment, Interpreter } from '@huggingface/jinja';
import { describe, expect, it } from 'vitest';
import { createNodeEnv, type GlobalContext } from '../../src/transform/jinja/dbt-context';
import { toRuntime } from '../../src/transform/jinja/jinja-values';
import { PATCHED_INTERNALS } from '../../src/transform/jinja/library-patches';
import { createProjectEnv } from '../../src/transform/jinja/project-env';
import { compileTemplate, renderTemplate } from '../../src/transform/jinja/template';

const ctx: GlobalContext = {
  projectName: 'proj', vars: {}, target: { name: 'dev', schema: 'main', type: 'duckdb', database: 'warehouse', threads: 1 },
  runStartedAt: new Date('2024-03-05T06:07:08.009Z'), invocationId: 'inv-1', fullRefresh: false, execute: false, docs: new Map(),
};

function render(source: string): string {
  const env = createProjectEnv(ctx, []);
  return renderTemplate(compileTemplate(source, 'models/x.sql'), createNodeEnv(env, {
    ref: () => toRuntime(null), source: () => toRuntime(null), config: () => undefined, configGet: () => undefined, isIncremental: () => false, thisRelation: null, node: { name: 'x' },
  }));
}

describe('the library internals the patches rely on', () => {
  it('still exist in the installed @huggingface/jinja (an upgrade that removes one fails here)', () => {
    for (const name of PATCHED_INTERNALS.interpreterMethods) expect(typeof (Interpreter.prototype as unknown as Record<string, unknown>)[name], name).toBe('function');
    for (const sample of [[], {}, '']) {
      const proto = Object.getPrototypeOf(toRuntime(sample)) as object;
      expect(PATCHED_INTERNALS.builtinsGetters).toContain(toRuntime(sample).type);
      expect(typeof Object.getOwnPropertyDescriptor(proto, 'builtins')?.get).toBe('function');
    }
    expect((Environment as unknown as { TESTS: unknown }).TESTS).toBeInstanceOf(Map);
    const env = new Environment();
    expect(env.variables).toBeInstanceOf(Map);
    expect(typeof env.lookupVariable).toBe('function');
    expect(typeof (env as unknown as { resolve: unknown }).resolve).toBe('function');
  });
});

describe('Jinja and Python surface', () => {
  it('has modules.datetime, modules.pytz, modules.re and modules.itertools', () => {
    expect(render("{{ modules.datetime.date(2024, 1, 2) }}|{{ modules.datetime.datetime(2024, 1, 2, 3, 4, 5).strftime('%Y/%m/%d %H:%M') }}|{{ modules.datetime.datetime.strptime('2024-02-03', '%Y-%m-%d').isoformat() }}"))
      .toBe('2024-01-02|2024/01/02 03:04|2024-02-03T00:00:00');
    expect(render("{{ modules.datetime.datetime(2024, 7, 1, 12, tzinfo=modules.pytz.timezone('Europe/Paris')).isoformat() }}")).toBe('2024-07-01T12:00:00+02:00');
    expect(render("{{ modules.re.sub('[ -]+', '_', 'a b-c') }}|{{ modules.re.sub('(\\\\w)(\\\\d)', '\\\\2\\\\1', 'a1 b2') }}|{{ modules.re.match('^a', 'abc') is not none }}|{{ modules.re.search('(?P<n>\\\\d+)', 'x42').group('n') }}|{{ modules.re.findall('\\\\d', 'a1b2') }}"))
      .toBe("a_b_c|1a 2b|True|42|['1', '2']");
    expect(render('{{ modules.itertools.product([1, 2], ["a"]) }}|{{ modules.itertools.chain([1], [2]) }}')).toBe("[[1, 'a'], [2, 'a']]|[1, 2]");
  });

  it('does date arithmetic with timedelta, compares dates, parses ISO text and localizes with pytz, as Python does', () => {
    const dt = 'modules.datetime';
    expect(render(`{{ ${dt}.date(2024, 3, 1) - ${dt}.timedelta(1) }}|{{ ${dt}.date(2024, 1, 31) + ${dt}.timedelta(days=30, hours=5) }}|{{ ${dt}.datetime(2024, 1, 1, 23) + ${dt}.timedelta(hours=2) }}`))
      .toBe('2024-02-29|2024-03-01|2024-01-02 01:00:00');
    expect(render(`{{ (${dt}.date(2024, 3, 1) - ${dt}.date(2024, 2, 1)).days }}|{{ ${dt}.date(2024, 1, 2) < ${dt}.date(2024, 1, 10) }}|{{ ${dt}.date(2024, 1, 2) == ${dt}.date(2024, 1, 2) }}|{{ ${dt}.timedelta(hours=25) }}`))
      .toBe('29|True|True|1 day, 1:00:00');
    expect(render(`{{ ${dt}.datetime.fromisoformat('2026-08-15T12:00:00+00:00').timestamp() }}|{{ ${dt}.datetime.fromisoformat('2026-09-01 00:00:00').tzinfo is none }}|{{ ${dt}.date.fromisoformat('2026-09-01').year }}`))
      .toBe('1786795200|True|2026');
    // Tokyo is UTC+9: midnight there is 15:00 UTC the day before.
    expect(render(`{% set tz = modules.pytz.timezone('Asia/Tokyo') %}{% set local = tz.localize(${dt}.datetime(2026, 9, 1)) %}{{ local }}|{{ local.timestamp() == ${dt}.datetime(2026, 8, 31, 15, tzinfo=modules.pytz.utc).timestamp() }}|{{ local.astimezone(modules.pytz.utc) }}|{{ local.tzinfo.zone }}`))
      .toBe('2026-09-01 00:00:00+09:00|True|2026-08-31 15:00:00+00:00|Asia/Tokyo');
    expect(render(`{{ ${dt}.datetime(2024, 5, 6, 7, 8, 9).replace(hour=0, minute=0, second=0) }}|{{ (run_started_at - ${dt}.timedelta(days=1)).isoformat() }}|{{ run_started_at.tzinfo.zone }}|{{ ${dt}.datetime.today().hour is defined }}`))
      .toBe('2024-05-06 00:00:00|2024-03-04T06:07:08.009000+00:00|UTC|True');
    expect(() => render(`{{ ${dt}.date(2024, 1, 1) + 1 }}`)).toThrow(/unsupported operand type\(s\) for \+: 'datetime' and 'IntegerValue'/);
  });

  it("maps a filter over a string's characters, as Jinja2 iterates strings", () => {
    expect(render("{{ 'ab_c' | map('upper') | join }}|{{ 'a1b' | reject('in', '1') | join }}")).toBe('AB_C|ab');
  });

  it('formats strings with .format() and %, keeps non-string dict keys, and has dict(), zip, reject/select, round and divisibleby', () => {
    expect(render("{{ '{} and {:.2f} {name}'.format(1, 2.345, name='x') }}|{{ '%s-%05.1f %d%%' % ('a', 3.14159, 7) }}|{{ 'n=%s' % 3 }}")).toBe('1 and 2.35 x|a-003.1 7%|n=3');
    expect(render("{% set d = {1: 'one', 'b': 2} %}{{ d[1] }}|{{ d['b'] }}")).toBe('one|2');
    expect(render("{{ dict(a=1, b=2) }}|{{ zip([1, 2], ['a', 'b']) | list }}|{{ [1, none, 2] | reject('none') | list }}|{{ [1, 2, 3, 4] | select('divisibleby', 2) | list }}"))
      .toBe("{'a': 1, 'b': 2}|[[1, 'a'], [2, 'b']]|[1, 2]|[2, 4]");
    expect(render('{{ 2.567 | round(2) }}|{{ 2.5 | round(0, "floor") }}|{{ [1, 2] | length() }}|{{ undefined_thing ~ "x" }}|{% for c in "ab" %}{{ c }}.{% endfor %}|{% for x in undefined_thing %}never{% endfor %}'))
      .toBe('2.57|2.0|2|x|a.b.|');
  });

  it('drops a backslash-newline inside a string literal (as Python), and has log, exceptions, local_md5, invocation_id, flags and target', () => {
    expect(render("{{ 'a\\\nb' | length }}")).toBe('2');
    expect(render("{{ local_md5('x') }}|{{ invocation_id }}|{{ flags.FULL_REFRESH }}|{{ target.schema }}|{{ log('hidden') }}")).toBe('9dd4e461268c8034f5c8564e155c67a6|inv-1|False|main|');
    expect(() => render("{{ exceptions.raise_compiler_error('stop here') }}")).toThrow(/stop here/);
  });
});
