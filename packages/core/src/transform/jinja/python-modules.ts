import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, renderableObject, toRuntime, type RuntimeValue } from './jinja-values';
import { datetimeModule, pytzModule } from './python-datetime';

const num = (v: unknown, fallback = 0) => (v === undefined || v === null ? fallback : Number(v));

/** Python's regex syntax in JavaScript's: named groups and `\Z`. */
const jsPattern = (p: unknown) => String(p).replace(/\(\?P<(\w+)>/g, '(?<$1>').replace(/\(\?P=(\w+)\)/g, '\\k<$1>').replace(/\\Z/g, '$');
const IGNORECASE = 2;
const flagsOf = (f: unknown) => (num(f) & IGNORECASE ? 'i' : '') + (num(f) & 8 ? 'm' : '') + (num(f) & 16 ? 's' : '');

function matchValue(m: RegExpExecArray | null): RuntimeValue {
  if (!m) return toRuntime(null);
  return renderableObject({
    group: jinjaFunction(({ args }) => (typeof args[0] === 'string' ? m.groups?.[args[0]] : m[num(args[0])]) ?? null),
    groups: jinjaFunction(() => m.slice(1).map((g) => g ?? null)),
    groupdict: jinjaFunction(() => ({ ...m.groups })),
    start: jinjaFunction(() => m.index),
    end: jinjaFunction(() => m.index + m[0].length),
  }, `<re.Match object; span=(${m.index}, ${m.index + m[0].length}), match='${m[0]}'>`);
}

/** Python's `re.sub` replacement template: `\\1`, `\\g<1>`, `\\g<name>`, `\\n`, `\\\\`. */
function expandTemplate(repl: string, whole: string, groups: (string | undefined)[], named: Record<string, string | undefined>): string {
  return repl.replace(/\\(?:g<(\w+)>|(\d{1,2})|(.))/g, (_m, g: string | undefined, d: string | undefined, c: string | undefined) => {
    if (g !== undefined) return (/^\d+$/.test(g) ? (g === '0' ? whole : groups[Number(g) - 1]) : named[g]) ?? '';
    if (d !== undefined) return groups[Number(d) - 1] ?? '';
    return c === 'n' ? '\n' : c === 't' ? '\t' : c === '\\' ? '\\' : `\\${c}`;
  });
}

function reModule(): RuntimeValue {
  const re = (pattern: unknown, flags: unknown, extra = '') => new RegExp(jsPattern(pattern), flagsOf(flags) + extra);
  const fns = (pattern?: unknown, flags?: unknown) => {
    const at = pattern === undefined ? 1 : 0;
    const get = (a: unknown[], k: Record<string, unknown>) => [pattern ?? a[0] ?? k.pattern, flags ?? k.flags ?? 0] as const;
    return {
      match: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        const m = re(p, f, 'y').exec(String(args[at] ?? kwargs.string));
        return matchValue(m);
      }),
      fullmatch: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        return matchValue(new RegExp(`^(?:${jsPattern(p)})$`, flagsOf(f)).exec(String(args[at] ?? kwargs.string)));
      }),
      search: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        return matchValue(re(p, f).exec(String(args[at] ?? kwargs.string)));
      }),
      findall: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        return [...String(args[at] ?? kwargs.string).matchAll(re(p, f, 'g'))].map((m) => (m.length > 2 ? m.slice(1) : m[1] ?? m[0]));
      }),
      sub: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        const count = num(args[at + 2] ?? kwargs.count);
        const text = String(args[at + 1] ?? kwargs.string);
        const repl = String(args[at] ?? kwargs.repl);
        let n = 0;
        return text.replace(re(p, f, 'g'), (...m: unknown[]) => {
          if (count && n++ >= count) return String(m[0]);
          const named = typeof m.at(-1) === 'object' ? (m.at(-1) as Record<string, string | undefined>) : {};
          const groups = m.slice(1, typeof m.at(-1) === 'object' ? -3 : -2) as (string | undefined)[];
          return expandTemplate(repl, String(m[0]), groups, named);
        });
      }),
      split: jinjaFunction(({ args, kwargs }) => {
        const [p, f] = get(args, kwargs);
        return String(args[at] ?? kwargs.string).split(re(p, f));
      }),
    };
  };
  return toRuntimeObject({
    ...fns(),
    compile: jinjaFunction(({ args, kwargs }) => toRuntimeObject({ ...fns(args[0], args[1] ?? kwargs.flags ?? 0), pattern: String(args[0]) })),
    escape: jinjaFunction(({ args }) => String(args[0]).replace(/[.*+?^${}()|[\]\\\-]/g, '\\$&')),
    IGNORECASE, I: IGNORECASE, MULTILINE: 8, M: 8, DOTALL: 16, S: 16,
  });
}

function itertoolsModule(): RuntimeValue {
  const lists = (args: unknown[]) => args.map((a) => (Array.isArray(a) ? a : typeof a === 'string' ? [...a] : []));
  const combinations = (items: unknown[], r: number): unknown[][] => {
    if (r === 0) return [[]];
    return items.flatMap((x, i) => combinations(items.slice(i + 1), r - 1).map((rest) => [x, ...rest]));
  };
  return toRuntimeObject({
    chain: jinjaFunction(({ args }) => lists(args).flat()),
    product: jinjaFunction(({ args }) => lists(args).reduce<unknown[][]>((acc, list) => acc.flatMap((a) => list.map((x) => [...a, x])), [[]])),
    combinations: jinjaFunction(({ args }) => combinations(lists([args[0]])[0]!, num(args[1]))),
  });
}

function toRuntimeObject(attrs: Record<string, unknown>): RuntimeValue {
  const v = toRuntime({});
  for (const [k, a] of Object.entries(attrs)) (v.value as Map<string, RuntimeValue>).set(k, a && typeof a === 'object' && 'type' in a ? (a as RuntimeValue) : toRuntime(a));
  return v;
}

/** Registers dbt's `modules`: `datetime`, `pytz` (time zones through Intl), `re` and `itertools`, as far as dbt projects use them. */
export function defineModules(env: Environment): void {
  const pytz = toRuntimeObject(pytzModule());
  define(env, 'modules', toRuntimeObject({ datetime: toRuntimeObject(datetimeModule()), re: reModule(), itertools: itertoolsModule(), pytz }));
}
