import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, toRuntime, type RuntimeValue } from './jinja-values';

type Macro = (a: Record<string, unknown>) => string;

/** Each macro's parameter names, in dbt's order, and the SQL it renders on DuckDB (as dbt-duckdb's implementations). */
const MACROS: Record<string, [string[], Macro]> = {
  current_timestamp: [[], () => 'now()'],
  dateadd: [['datepart', 'interval', 'from_date_or_timestamp'], (a) => `date_add(${a.from_date_or_timestamp}, interval (${a.interval}) ${a.datepart})`],
  datediff: [['first_date', 'second_date', 'datepart'], (a) => `date_diff('${a.datepart}', ${a.first_date}::timestamp, ${a.second_date}::timestamp )`],
  date_trunc: [['datepart', 'date'], (a) => `date_trunc('${a.datepart}', ${a.date})`],
  safe_cast: [['field', 'type'], (a) => `try_cast(${a.field} as ${a.type})`],
  concat: [['fields'], (a) => (a.fields as unknown[]).join(' || ')],
  hash: [['field'], (a) => `md5(cast(${a.field} as TEXT))`],
  split_part: [['string_text', 'delimiter_text', 'part_number'], (a) => `string_split(${a.string_text}, ${a.delimiter_text})[ ${a.part_number} ]`],
  type_string: [[], () => 'TEXT'],
  type_timestamp: [[], () => 'TIMESTAMP'],
  type_float: [[], () => 'FLOAT'],
  type_int: [[], () => 'INT'],
  type_bigint: [[], () => 'bigint'],
  type_boolean: [[], () => 'BOOLEAN'],
  type_numeric: [[], () => 'numeric(28,6)'],
};

/**
 * Registers the `dbt` namespace with dbt's most used cross-database macros (`dbt.dateadd`,
 * `dbt.datediff`, `dbt.type_string`, ...) as DuckDB SQL; others fail with a message naming them.
 */
export function defineCrossDbMacros(env: Environment): Map<string, RuntimeValue> {
  const ns = toRuntime({});
  const map = ns.value as Map<string, RuntimeValue>;
  for (const [name, [params, sql]] of Object.entries(MACROS)) {
    const fn = jinjaFunction(({ args, kwargs }) => {
      const named: Record<string, unknown> = { ...kwargs };
      params.forEach((p, i) => {
        if (i < args.length) named[p] = args[i];
      });
      const missing = params.filter((p) => named[p] === undefined);
      if (missing.length) throw new Error(`dbt.${name}() is missing ${missing.map((m) => `'${m}'`).join(', ')}`);
      return sql(named);
    });
    // Callable as dbt.<name>, bare, and as the implementation adapter.dispatch(name, 'dbt') finds.
    map.set(name, fn);
    map.set(`duckdb__${name}`, fn);
    define(env, name, fn);
  }
  define(env, 'dbt', ns);
  return map;
}
