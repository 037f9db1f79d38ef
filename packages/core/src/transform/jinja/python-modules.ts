import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, renderableObject, toRuntime, type RuntimeValue } from './jinja-values';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** UTC offset of `zone` at `d` as Python prints it (`+01:00`); `+00:00` for UTC or an unknown zone. */
function offsetOf(d: Date, zone: string | null): string {
  if (!zone || /^utc$/i.test(zone)) return '+00:00';
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
    return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
  } catch {
    throw new Error(`unknown time zone '${zone}'`);
  }
}

/** Python's `strftime` for the directives dbt projects use. */
export function strftime(d: Date, format: string, zone: string | null = null): string {
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const map: Record<string, string> = {
    Y: String(d.getUTCFullYear()), y: pad(d.getUTCFullYear() % 100), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()),
    I: pad(d.getUTCHours() % 12 || 12), p: d.getUTCHours() < 12 ? 'AM' : 'PM', M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()),
    f: pad(d.getUTCMilliseconds() * 1000, 6), z: offsetOf(d, zone).replace(':', ''), Z: zone ?? '', A: days[d.getUTCDay()]!, a: days[d.getUTCDay()]!.slice(0, 3),
    B: months[d.getUTCMonth()]!, b: months[d.getUTCMonth()]!.slice(0, 3), j: pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3), '%': '%',
  };
  return format.replace(/%([a-zA-Z%])/g, (m, k: string) => map[k] ?? m);
}

/** A Python `date` (`dateOnly`) or `datetime` value: prints as Python's `str()`, with `strftime`, `isoformat` and the parts. */
export function dateValue(d: Date, dateOnly: boolean, zone: string | null = null): RuntimeValue {
  const day = strftime(d, '%Y-%m-%d');
  const micro = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds() * 1000, 6)}` : '';
  const time = `${strftime(d, '%H:%M:%S')}${micro}${zone ? offsetOf(d, zone) : ''}`;
  return renderableObject({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    ...(dateOnly ? {} : { hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), microsecond: d.getUTCMilliseconds() * 1000 }),
    strftime: jinjaFunction(({ args }) => strftime(d, String(args[0] ?? ''), zone)),
    isoformat: jinjaFunction(() => (dateOnly ? day : `${day}T${time}`)),
    weekday: jinjaFunction(() => (d.getUTCDay() + 6) % 7),
    isoweekday: jinjaFunction(() => d.getUTCDay() || 7),
    date: jinjaFunction(() => dateValue(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())), true)),
    timestamp: jinjaFunction(() => d.getTime() / 1000),
  }, dateOnly ? day : `${day} ${time}`);
}

/** A function value that also has attributes (`datetime(...)` and `datetime.now()`). */
function callable(fn: RuntimeValue, attrs: Record<string, RuntimeValue>): RuntimeValue {
  Object.defineProperty(fn, 'builtins', { value: new Map(Object.entries(attrs)) });
  return fn;
}

const num = (v: unknown, fallback = 0) => (v === undefined || v === null ? fallback : Number(v));

function datetimeModule(): RuntimeValue {
  const make = (a: unknown[], k: Record<string, unknown>) =>
    new Date(Date.UTC(num(a[0] ?? k.year), num(a[1] ?? k.month, 1) - 1, num(a[2] ?? k.day, 1), num(a[3] ?? k.hour), num(a[4] ?? k.minute), num(a[5] ?? k.second), num(a[6] ?? k.microsecond) / 1000));
  const zoneOf = (tz: unknown) => (tz && typeof tz === 'object' && 'zone' in (tz as object) ? String((tz as { zone: unknown }).zone) : null);
  const strptime = jinjaFunction(({ args }) => {
    // Python directives to a pattern, reading the parts back in order.
    const parts: string[] = [];
    const re = new RegExp(`^${String(args[1]).replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/%([YmdHMSf])/g, (_m, k: string) => (parts.push(k), k === 'Y' ? '(\\d{4})' : k === 'f' ? '(\\d{1,6})' : '(\\d{1,2})'))}$`);
    const m = re.exec(String(args[0]));
    if (!m) throw new Error(`time data '${String(args[0])}' does not match format '${String(args[1])}'`);
    const v: Record<string, number> = { Y: 1900, m: 1, d: 1, H: 0, M: 0, S: 0, f: 0 };
    parts.forEach((k, i) => (v[k] = k === 'f' ? Number(m[i + 1]!.padEnd(6, '0')) : Number(m[i + 1])));
    return dateValue(new Date(Date.UTC(v.Y!, v.m! - 1, v.d!, v.H!, v.M!, v.S!, v.f! / 1000)), false);
  });
  const datetime = callable(jinjaFunction(({ args, kwargs }) => dateValue(make(args, kwargs), false, zoneOf(kwargs.tzinfo))), {
    now: jinjaFunction(({ args, kwargs }) => dateValue(new Date(), false, zoneOf(args[0] ?? kwargs.tz))),
    utcnow: jinjaFunction(() => dateValue(new Date(), false)),
    strptime,
  });
  const date = callable(jinjaFunction(({ args, kwargs }) => dateValue(make(args, kwargs), true)), {
    today: jinjaFunction(() => dateValue(new Date(), true)),
  });
  const timedelta = jinjaFunction(({ args, kwargs }) => {
    const days = num(args[0] ?? kwargs.days) + num(kwargs.weeks) * 7;
    const seconds = days * 86_400 + num(args[1] ?? kwargs.seconds) + num(kwargs.minutes) * 60 + num(kwargs.hours) * 3600;
    return { days: Math.floor(seconds / 86_400), seconds: seconds % 86_400, total_seconds: jinjaFunction(() => seconds) };
  });
  return toRuntimeObject({ datetime, date, timedelta });
}

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
  const pytz = toRuntimeObject({
    timezone: jinjaFunction(({ args }) => {
      offsetOf(new Date(), String(args[0]));
      return { zone: String(args[0]) };
    }),
    utc: { zone: 'UTC' },
  });
  define(env, 'modules', toRuntimeObject({ datetime: datetimeModule(), re: reModule(), itertools: itertoolsModule(), pytz }));
}
