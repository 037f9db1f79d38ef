import type { Environment } from '@huggingface/jinja';
import { define, jinjaFunction, rawFunction, toRuntime, type RuntimeValue } from './jinja-values';

/**
 * Thrown by `run_query`/`statement` when a render needs a result it does not have yet. The library
 * renders synchronously and the warehouse answers asynchronously, so the compiler catches this, runs
 * the query, and renders the node again with the result known (templates are deterministic; a
 * query already answered is never run twice in one compile of a node).
 */
export class NeedsQuery {
  constructor(readonly sql: string) {}
}

/** A query's answer: column names and rows as lists, in column order. */
export interface QueryResult {
  columns: string[];
  rows: unknown[][];
}

/** The query results and `statement` results of one node's compile. */
export class QuerySession {
  readonly results = new Map<string, QueryResult>();
  readonly statements = new Map<string, RuntimeValue>();

  /** The result of `sql`, or a `NeedsQuery` signal when it has not run yet. */
  result(sql: string): QueryResult {
    const r = this.results.get(sql.trim());
    if (!r) throw new NeedsQuery(sql.trim());
    return r;
  }
}

/** Where the compiler puts the session of the node being rendered (rendering is synchronous, one node at a time). */
export interface QueryHolder {
  session: QuerySession | null;
  /** While a hook renders: the statements its adapter calls (`adapter.drop_relation`) run first, in order. */
  effects?: string[] | null;
}

/** Runs a query for a compile, returning columns and rows. */
export type CompileQuery = (sql: string) => Promise<QueryResult>;

/** True when `err` (or what it wraps) is a `NeedsQuery` signal. */
export function needsQuery(err: unknown): NeedsQuery | null {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) if (e instanceof NeedsQuery) return e;
  return null;
}

/** Renders with `render` until no query is missing, running each missing query through `query`. */
export async function renderWithQueries<T>(holder: QueryHolder, render: () => T, query: CompileQuery, session = new QuerySession()): Promise<T> {
  for (;;) {
    session.statements.clear();
    holder.session = session;
    let missing: NeedsQuery | null;
    try {
      return render();
    } catch (err) {
      missing = needsQuery(err);
      if (!missing) throw err;
    } finally {
      holder.session = null;
    }
    session.results.set(missing.sql, await query(missing.sql));
  }
}

/** Gives a list value extra attributes (`table.columns`, `row['name']`) next to the list's own methods. */
function withAttributes(list: RuntimeValue, attrs: Map<string, RuntimeValue>): RuntimeValue {
  const proto = Object.getPrototypeOf(list) as object;
  const own = Object.getOwnPropertyDescriptor(proto, 'builtins')?.get;
  Object.defineProperty(list, 'builtins', {
    get() {
      const map = own ? (own.call(list) as Map<string, RuntimeValue>) : new Map<string, RuntimeValue>();
      for (const [k, v] of attrs) map.set(k, v);
      return map;
    },
  });
  return list;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** A warehouse value as a template value; dates print as Python's do. */
function cell(v: unknown): unknown {
  if (v instanceof Date) {
    const day = `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
    const time = v.getUTCHours() || v.getUTCMinutes() || v.getUTCSeconds() || v.getUTCMilliseconds();
    return time ? `${day} ${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}` : day;
  }
  return v;
}

/**
 * dbt's result table (an agate table) as a template value: a list of rows (each a list, also
 * indexable by column name) with `rows`, `columns` (each with `name` and `values()`),
 * `column_names` and `print_table()`.
 */
export function resultTable(result: QueryResult): RuntimeValue {
  const rows = result.rows.map((r) => {
    const row = toRuntime(r.map(cell));
    const byName = new Map<string, RuntimeValue>();
    result.columns.forEach((c, i) => byName.set(c, (row.value as RuntimeValue[])[i]!));
    byName.set('get', jinjaFunction(({ args }) => (row.value as RuntimeValue[])[result.columns.indexOf(String(args[0]))] ?? args[1] ?? null));
    return withAttributes(row, byName);
  });
  const table = toRuntime([]);
  table.value = rows;
  const columns = result.columns.map((name, i) => {
    const col = toRuntime({ name });
    (col.value as Map<string, RuntimeValue>).set('values', rawFunction(() => {
      const list = toRuntime([]);
      list.value = rows.map((r) => (r.value as RuntimeValue[])[i]!);
      return list;
    }));
    return col;
  });
  const columnList = toRuntime([]);
  columnList.value = columns;
  // agate's columns are also a mapping: by name, and `items()`, `keys()`, `values()`.
  withAttributes(columnList, new Map<string, RuntimeValue>([
    ...result.columns.map((n, i) => [n, columns[i]!] as [string, RuntimeValue]),
    ['items', rawFunction(() => {
      const pairs = toRuntime([]);
      pairs.value = result.columns.map((n, i) => {
        const pair = toRuntime([n]);
        (pair.value as RuntimeValue[]).push(columns[i]!);
        return pair;
      });
      return pairs;
    })],
    ['keys', jinjaFunction(() => result.columns)],
    ['values', rawFunction(() => columnList)],
  ]));
  return withAttributes(table, new Map<string, RuntimeValue>([
    ['rows', table],
    ['columns', columnList],
    ['column_names', toRuntime(result.columns)],
    ['print_table', jinjaFunction(() => '')],
  ]));
}

/** What `load_result(name)` returns: `response`, `table` and `data` (rows as lists). */
function statementResult(result: QueryResult): RuntimeValue {
  const out = toRuntime({ response: { code: 'OK', rows_affected: result.rows.length, _message: 'OK' }, data: result.rows.map((r) => r.map(cell)) });
  (out.value as Map<string, RuntimeValue>).set('table', resultTable(result));
  return out;
}

/**
 * Registers `run_query`, `statement` (for `{% call statement(...) %}`) and `load_result`. While
 * parsing (`execute` false) they do nothing, as in dbt; at compile time they query the warehouse.
 */
export function defineQueries(env: Environment, execute: boolean, holder: QueryHolder): void {
  const session = (): QuerySession => {
    if (!holder.session) throw new Error('queries can only run while a node compiles');
    return holder.session;
  };
  define(env, 'run_query', jinjaFunction(({ args, kwargs }) => (execute ? resultTable(session().result(String(args[0] ?? kwargs.sql))) : null)));
  define(env, 'statement', rawFunction((raw, scope) => {
    if (!execute) return toRuntime('');
    const caller = scope.lookupVariable('caller') as unknown as RuntimeValue & { value: (a: RuntimeValue[], s: Environment) => RuntimeValue };
    const last = raw.at(-1);
    const kwargs = last?.type === 'KeywordArgumentsValue' ? (last.value as Map<string, RuntimeValue>) : new Map<string, RuntimeValue>();
    const positional = last?.type === 'KeywordArgumentsValue' ? raw.slice(0, -1) : raw;
    const name = String((positional[0] ?? kwargs.get('name'))?.value ?? 'statement');
    const sql = caller.type === 'FunctionValue' ? String(caller.value([], scope).value ?? '') : '';
    const result = session().result(sql);
    session().statements.set(name, statementResult(result));
    return toRuntime('');
  }));
  define(env, 'load_result', jinjaFunction(({ args }) => (execute ? holder.session?.statements.get(String(args[0])) ?? null : null)));
}
