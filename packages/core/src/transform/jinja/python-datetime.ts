import { jinjaFunction, renderableObject, toRuntime, type RuntimeValue } from './jinja-values';

const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const num = (v: unknown, fallback = 0) => (v === undefined || v === null ? fallback : Number(v));
const DAY_MS = 86_400_000;
const FIXED_OFFSET = /^([+-])(\d{2}):?(\d{2})$/;

/** A Python `date`/`datetime` (`d` holds the wall clock in its UTC fields; `zone` is null when naive) or a `timedelta`. */
type PyTime = { kind: 'time'; d: Date; dateOnly: boolean; zone: string | null };
type PyDelta = { kind: 'delta'; ms: number };
const PY = '__py';

/** The Python date, datetime or timedelta behind a template value, if it is one. */
function pyOf(v: unknown): PyTime | PyDelta | undefined {
  return v && typeof v === 'object' ? (v as Record<string, PyTime | PyDelta | undefined>)[PY] : undefined;
}

function tagged(v: RuntimeValue, py: PyTime | PyDelta): RuntimeValue {
  Object.defineProperty(v, PY, { value: py });
  return v;
}

/** UTC offset of `zone` at `d` as Python prints it (`+01:00`); `+00:00` for UTC. */
function offsetOf(d: Date, zone: string | null): string {
  if (!zone || /^utc$/i.test(zone)) return '+00:00';
  const fixed = FIXED_OFFSET.exec(zone);
  if (fixed) return `${fixed[1]}${fixed[2]}:${fixed[3]}`;
  try {
    const name = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '';
    const m = /GMT([+-]\d{2}):?(\d{2})?/.exec(name);
    return m ? `${m[1]}:${m[2] ?? '00'}` : '+00:00';
  } catch {
    throw new Error(`unknown time zone '${zone}'`);
  }
}

function offsetMs(d: Date, zone: string | null): number {
  const [, sign, h, m] = FIXED_OFFSET.exec(offsetOf(d, zone))!;
  return (sign === '-' ? -1 : 1) * (Number(h) * 60 + Number(m)) * 60_000;
}

/** The instant of an aware datetime (a naive one counts as UTC, the server's zone here). */
const instantOf = (t: PyTime) => t.d.getTime() - (t.zone ? offsetMs(new Date(t.d.getTime() - offsetMs(t.d, t.zone)), t.zone) : 0);

/** The wall clock of `instant` in `zone`. */
const wallClock = (instant: number, zone: string | null) => new Date(instant + (zone ? offsetMs(new Date(instant), zone) : 0));

/** Python's `strftime` for the directives dbt projects use. */
export function strftime(d: Date, format: string, zone: string | null = null): string {
  const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
  const map: Record<string, string> = {
    Y: String(d.getUTCFullYear()), y: pad(d.getUTCFullYear() % 100), m: pad(d.getUTCMonth() + 1), d: pad(d.getUTCDate()), H: pad(d.getUTCHours()),
    I: pad(d.getUTCHours() % 12 || 12), p: d.getUTCHours() < 12 ? 'AM' : 'PM', M: pad(d.getUTCMinutes()), S: pad(d.getUTCSeconds()),
    f: pad(d.getUTCMilliseconds() * 1000, 6), z: zone ? offsetOf(d, zone).replace(':', '') : '', Z: zone ?? '', A: days[d.getUTCDay()]!, a: days[d.getUTCDay()]!.slice(0, 3),
    B: months[d.getUTCMonth()]!, b: months[d.getUTCMonth()]!.slice(0, 3), j: pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY_MS) + 1, 3), '%': '%',
  };
  return format.replace(/%([a-zA-Z%])/g, (m, k: string) => map[k] ?? m);
}

/** A pytz time zone: `zone`, `localize(naive)` attaches it to a naive datetime. */
function timeZone(zone: string): RuntimeValue {
  offsetOf(new Date(), zone);
  const tz = renderableObject({
    zone,
    localize: jinjaFunction(({ args }) => {
      const t = pyOf(args[0]);
      if (t?.kind !== 'time') throw new Error('localize() expects a datetime');
      return dateValue(t.d, false, zone);
    }),
  }, zone);
  Object.defineProperty(tz, '__tz', { value: zone });
  return tz;
}

const zoneOf = (tz: unknown): string | null => {
  if (!tz || typeof tz !== 'object') return null;
  if ('__tz' in tz) return String((tz as { __tz: unknown }).__tz);
  return 'zone' in tz ? String((tz as { zone: unknown }).zone) : null;
};

/** A Python `date` (`dateOnly`) or `datetime` value: prints as Python's `str()`, with `strftime`, `isoformat`, `replace`, `timestamp` and the parts. */
export function dateValue(d: Date, dateOnly: boolean, zone: string | null = null): RuntimeValue {
  const day = strftime(d, '%Y-%m-%d');
  const micro = d.getUTCMilliseconds() ? `.${pad(d.getUTCMilliseconds() * 1000, 6)}` : '';
  const time = `${strftime(d, '%H:%M:%S')}${micro}${zone ? offsetOf(d, zone) : ''}`;
  const self: PyTime = { kind: 'time', d, dateOnly, zone };
  const replace = jinjaFunction(({ kwargs: k }) => {
    const get = (key: string, now: number) => (key in k ? num(k[key]) : now);
    const next = new Date(Date.UTC(get('year', d.getUTCFullYear()), get('month', d.getUTCMonth() + 1) - 1, get('day', d.getUTCDate()),
      get('hour', d.getUTCHours()), get('minute', d.getUTCMinutes()), get('second', d.getUTCSeconds()), get('microsecond', d.getUTCMilliseconds() * 1000) / 1000));
    return dateValue(next, dateOnly, 'tzinfo' in k ? zoneOf(k.tzinfo) : zone);
  });
  return tagged(renderableObject({
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    ...(dateOnly ? {} : {
      hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), microsecond: d.getUTCMilliseconds() * 1000,
      tzinfo: zone ? timeZone(zone) : null,
      timestamp: jinjaFunction(() => instantOf(self) / 1000),
      astimezone: jinjaFunction(({ args }) => {
        const to = zoneOf(args[0]) ?? 'UTC';
        return dateValue(wallClock(instantOf(self), to), false, to);
      }),
    }),
    strftime: jinjaFunction(({ args }) => strftime(d, String(args[0] ?? ''), zone)),
    isoformat: jinjaFunction(() => (dateOnly ? day : `${day}T${time}`)),
    weekday: jinjaFunction(() => (d.getUTCDay() + 6) % 7),
    isoweekday: jinjaFunction(() => d.getUTCDay() || 7),
    date: jinjaFunction(() => dateValue(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())), true)),
    replace,
  }, dateOnly ? day : `${day} ${time}`), self);
}

/** A Python `timedelta` of `ms` milliseconds. */
function deltaValue(ms: number): RuntimeValue {
  const seconds = ms / 1000;
  const days = Math.floor(seconds / 86_400);
  const rest = seconds - days * 86_400;
  const clock = `${Math.floor(rest / 3600)}:${pad(Math.floor((rest % 3600) / 60))}:${pad(Math.floor(rest % 60))}`;
  return tagged(renderableObject({
    days, seconds: Math.floor(rest), microseconds: Math.round((rest % 1) * 1e6), total_seconds: jinjaFunction(() => seconds),
  }, days ? `${days} day${Math.abs(days) === 1 ? '' : 's'}, ${clock}` : clock), { kind: 'delta', ms });
}

/** Python's `fromisoformat`: `YYYY-MM-DD`, then optionally `[T ]HH:MM[:SS[.ffffff]]` and `Z` or `±HH:MM`. */
function fromIso(text: string, dateOnly: boolean): RuntimeValue {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?\s*(Z|[+-]\d{2}:?\d{2})?)?$/.exec(text.trim());
  if (!m || (dateOnly && m[4] !== undefined)) throw new Error(`Invalid isoformat string: '${text}'`);
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), num(m[4]), num(m[5]), num(m[6]), Number((m[7] ?? '0').padEnd(6, '0')) / 1000));
  const zone = m[8] === undefined ? null : m[8] === 'Z' || /^[+-]00:?00$/.test(m[8]) ? 'UTC' : m[8];
  return dateValue(d, dateOnly, zone);
}

function callable(fn: RuntimeValue, attrs: Record<string, RuntimeValue>): RuntimeValue {
  Object.defineProperty(fn, 'builtins', { value: new Map(Object.entries(attrs)) });
  return fn;
}

/** dbt's `modules.datetime`: `date`, `datetime` (`now`, `today`, `utcnow`, `strptime`, `fromisoformat`) and `timedelta`. */
export function datetimeModule(): Record<string, RuntimeValue> {
  const make = (a: unknown[], k: Record<string, unknown>) =>
    new Date(Date.UTC(num(a[0] ?? k.year), num(a[1] ?? k.month, 1) - 1, num(a[2] ?? k.day, 1), num(a[3] ?? k.hour), num(a[4] ?? k.minute), num(a[5] ?? k.second), num(a[6] ?? k.microsecond) / 1000));
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
  const now = (tz: unknown) => {
    const zone = zoneOf(tz);
    return dateValue(wallClock(Date.now(), zone), false, zone);
  };
  const datetime = callable(jinjaFunction(({ args, kwargs }) => dateValue(make(args, kwargs), false, zoneOf(args[7] ?? kwargs.tzinfo))), {
    now: jinjaFunction(({ args, kwargs }) => now(args[0] ?? kwargs.tz)),
    today: jinjaFunction(() => now(null)),
    utcnow: jinjaFunction(() => now(null)),
    strptime,
    fromisoformat: jinjaFunction(({ args }) => fromIso(String(args[0]), false)),
  });
  const date = callable(jinjaFunction(({ args, kwargs }) => dateValue(make(args, kwargs), true)), {
    today: jinjaFunction(() => {
      const d = new Date();
      return dateValue(new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate())), true);
    }),
    fromisoformat: jinjaFunction(({ args }) => fromIso(String(args[0]), true)),
  });
  const timedelta = jinjaFunction(({ args, kwargs: k }) => {
    const days = num(args[0] ?? k.days) + num(k.weeks) * 7;
    const seconds = days * 86_400 + num(args[1] ?? k.seconds) + num(k.minutes) * 60 + num(k.hours) * 3600 + num(args[2] ?? k.microseconds) / 1e6 + num(k.milliseconds) / 1000;
    return deltaValue(Math.round(seconds * 1000));
  });
  return { datetime, date, timedelta };
}

/** dbt's `modules.pytz`: `timezone(name)` and `utc`. */
export function pytzModule(): Record<string, RuntimeValue> {
  return { timezone: jinjaFunction(({ args }) => timeZone(String(args[0]))), utc: timeZone('UTC') };
}

/** Milliseconds since the epoch of a date/datetime, comparable as Python compares them. */
const comparable = (t: PyTime) => (t.zone ? instantOf(t) : t.d.getTime());

/**
 * Python's arithmetic and ordering of dates, datetimes and timedeltas (`date.today() - timedelta(2)`,
 * `a < b`); undefined when neither side is one, so the library handles the operator.
 */
export function dateOperation(op: string, left: RuntimeValue, right: RuntimeValue): RuntimeValue | undefined {
  const a = pyOf(left);
  const b = pyOf(right);
  if (!a && !b) return undefined;
  const shift = (t: PyTime, ms: number) => dateValue(new Date(t.d.getTime() + (t.dateOnly ? Math.trunc(ms / DAY_MS) * DAY_MS : ms)), t.dateOnly, t.zone);
  if (op === '+' && a?.kind === 'time' && b?.kind === 'delta') return shift(a, b.ms);
  if (op === '+' && a?.kind === 'delta' && b?.kind === 'time') return shift(b, a.ms);
  if (op === '-' && a?.kind === 'time' && b?.kind === 'delta') return shift(a, -b.ms);
  if ((op === '+' || op === '-') && a?.kind === 'delta' && b?.kind === 'delta') return deltaValue(op === '+' ? a.ms + b.ms : a.ms - b.ms);
  if (op === '-' && a?.kind === 'time' && b?.kind === 'time') return deltaValue(comparable(a) - comparable(b));
  const order = (x: PyTime | PyDelta) => (x.kind === 'delta' ? x.ms : comparable(x));
  if (a && b && a.kind === b.kind && ['<', '>', '<=', '>=', '==', '!='].includes(op)) {
    const [x, y] = [order(a), order(b)];
    return toRuntime(op === '<' ? x < y : op === '>' ? x > y : op === '<=' ? x <= y : op === '>=' ? x >= y : op === '==' ? x === y : x !== y);
  }
  if (op === '==' || op === '!=') return undefined;
  throw new Error(`unsupported operand type(s) for ${op}: '${a?.kind === 'delta' ? 'timedelta' : a ? 'datetime' : left.type}' and '${b?.kind === 'delta' ? 'timedelta' : b ? 'datetime' : right.type}'`);
}
