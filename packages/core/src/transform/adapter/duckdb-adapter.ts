import type { Environment } from '@huggingface/jinja';
import { quoteLiteral } from '../../warehouse/sql';
import type { CompileQuery, QueryHolder } from '../jinja/compile-queries';
import { define, jinjaFunction, toRuntime, type RuntimeValue } from '../jinja/jinja-values';
import { callingPackage, dispatchMacro, type MacroNamespaces } from '../jinja/macro-namespaces';
import { createRelation, quoteIdentifier, relationObject, relationParts, renderRelation, type RelationParts } from './relation';

/** What the adapter needs from the engine. */
export interface AdapterContext {
  ns: MacroNamespaces;
  /** The warehouse catalog name (what `current_database()` returns). */
  database: string;
  /** False while parsing: introspection answers "nothing" then, as dbt's parse-time adapter does. */
  execute: boolean;
  queries: QueryHolder;
}

/** dbt's type names on DuckDB (the `type_*` cross-database macros and `api.Column` helpers). */
export const DUCKDB_TYPES = {
  string: 'TEXT', timestamp: 'TIMESTAMP', float: 'FLOAT', int: 'INT', bigint: 'BIGINT', boolean: 'BOOLEAN', numeric: 'numeric(28,6)',
} as const;

const NUMBER = /^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint|float|real|double|decimal|numeric)/i;
const INTEGER = /^(tinyint|smallint|integer|int|bigint|hugeint|utinyint|usmallint|uinteger|ubigint|uhugeint)\b/i;
const STRING = /^(varchar|text|string|char|bpchar)/i;

/** A column as dbt's `Column`: `name`, `data_type`, `dtype`, `quoted` and the `is_*()` type checks. */
function columnObject(name: string, type: string): RuntimeValue {
  const col = toRuntime({ name, column: name, data_type: type, dtype: type, quoted: quoteIdentifier(name), char_size: null, numeric_precision: null, numeric_scale: null });
  const map = col.value as Map<string, RuntimeValue>;
  const check = (re: RegExp) => jinjaFunction(() => re.test(type));
  map.set('is_string', check(STRING));
  map.set('is_number', check(NUMBER));
  map.set('is_numeric', check(/^(decimal|numeric)/i));
  map.set('is_integer', check(INTEGER));
  map.set('is_float', check(/^(float|real|double)/i));
  map.set('string_size', jinjaFunction(() => 256));
  return col;
}

// Introspection goes through the node's query session, so results are read at compile time.
function lookup(a: AdapterContext, sql: string): unknown[][] {
  if (!a.queries.session) throw new Error('the adapter can only query the warehouse while a node compiles');
  return a.queries.session.result(sql).rows;
}

const matches = (column: string, value: string | null) => (value === null ? 'true' : `lower(${column}) = lower(${quoteLiteral(value)})`);

/** `adapter.get_relation(database, schema, identifier)`: the relation with its type, or None when it does not exist. */
function getRelation(a: AdapterContext, parts: RelationParts): RuntimeValue {
  if (!a.execute) return toRuntime(null);
  const db = parts.database ?? a.database;
  const rows = lookup(a, `select table_schema, table_name, table_type from information_schema.tables
where ${matches('table_catalog', db)} and ${matches('table_schema', parts.schema)} and ${matches('table_name', parts.identifier)}`);
  if (!rows.length) return toRuntime(null);
  const [schema, identifier, type] = rows[0] as string[];
  return relationObject({ database: db, schema, identifier, type: type === 'VIEW' ? 'view' : 'table', include: { database: db !== a.database, schema: true, identifier: true } });
}

/** `adapter.get_columns_in_relation(relation)`: its columns in order ([] while parsing or when it does not exist). */
function getColumns(a: AdapterContext, relation: unknown): RuntimeValue {
  if (!a.execute) return toRuntime([]);
  const parts = relationParts(relation);
  const rows = lookup(a, `select column_name, data_type from information_schema.columns
where ${matches('table_catalog', parts.database ?? a.database)} and ${matches('table_schema', parts.schema ?? 'main')} and ${matches('table_name', parts.identifier)}
order by ordinal_position`);
  const list = toRuntime([]);
  list.value = rows.map(([name, type]) => columnObject(String(name), String(type)));
  return list;
}

/** `adapter.drop_relation(relation)` in a hook: the hook drops it (a view or a table) before its own SQL. */
function dropRelation(a: AdapterContext, relation: unknown): string {
  if (!a.queries.effects) throw new Error("'adapter.drop_relation' is available only in a model's or seed's pre-hook/post-hook in Dango's embedded dbt engine; use platform.transform_engine: dbt for projects that need it elsewhere");
  const parts = relationParts(relation);
  a.queries.effects.push(`drop ${parts.type === 'view' ? 'view' : 'table'} if exists ${renderRelation(parts)}`);
  return '';
}

/**
 * Registers dbt's adapter surface for DuckDB: the `adapter` object (`dispatch`, `quote`, `type`,
 * `get_relation`, `get_columns_in_relation`, `quote_as_configured`), `api.Relation`/`api.Column`,
 * and the `load_relation`/`load_cached_relation` context functions.
 */
export function defineAdapter(env: Environment, a: AdapterContext): void {
  const adapter = toRuntime({});
  const map = adapter.value as Map<string, RuntimeValue>;
  map.set('dispatch', jinjaFunction(({ args, kwargs }, scope) => {
    const name = String(args[0] ?? kwargs.macro_name);
    const namespace = (args[1] ?? kwargs.macro_namespace ?? null) as string | null;
    // Without a namespace, dbt looks from where the call is made: a package's macro finds its own first.
    return dispatchMacro(a.ns, scope, name, namespace ?? callingPackage(scope));
  }));
  map.set('quote', jinjaFunction(({ args }) => quoteIdentifier(args[0])));
  map.set('quote_as_configured', jinjaFunction(({ args }) => quoteIdentifier(args[0])));
  map.set('type', jinjaFunction(() => 'duckdb'));
  map.set('get_relation', jinjaFunction(({ args, kwargs }) => getRelation(a, {
    database: (args[0] ?? kwargs.database ?? null) as string | null, schema: (args[1] ?? kwargs.schema ?? null) as string | null, identifier: String(args[2] ?? kwargs.identifier),
  })));
  map.set('get_columns_in_relation', jinjaFunction(({ args, kwargs }) => getColumns(a, args[0] ?? kwargs.relation)));
  map.set('drop_relation', jinjaFunction(({ args, kwargs }) => dropRelation(a, args[0] ?? kwargs.relation)));
  define(env, 'adapter', adapter);
  const load = jinjaFunction(({ args }) => getRelation(a, relationParts(args[0])));
  define(env, 'load_relation', load);
  define(env, 'load_cached_relation', load);
  const relation = toRuntime({});
  (relation.value as Map<string, RuntimeValue>).set('create', jinjaFunction(({ kwargs }) => createRelation(kwargs, { database: a.database })));
  const column = toRuntime({});
  (column.value as Map<string, RuntimeValue>).set('create', jinjaFunction(({ args, kwargs }) => columnObject(String(args[0] ?? kwargs.name), String(args[1] ?? kwargs.dtype ?? kwargs.data_type))));
  define(env, 'api', toRuntime({}));
  const api = env.lookupVariable('api') as unknown as RuntimeValue;
  (api.value as Map<string, RuntimeValue>).set('Relation', relation);
  (api.value as Map<string, RuntimeValue>).set('Column', column);
}

// DuckDB keeps information_schema in its system catalog: `<database>.information_schema.tables` does not resolve.
const CATALOG_INFORMATION_SCHEMA = /(?:"(?:[^"]|"")+"|\b[A-Za-z_][\w$]*)\s*\.\s*("information_schema"|\binformation_schema)\s*\.(?=\s*"?[A-Za-z_])/gi;

/**
 * SQL as DuckDB runs it: `<database>.information_schema.x` (as package SQL written for other
 * warehouses says) becomes `information_schema.x`, which lists every catalog's relations.
 */
export function adaptSql(sql: string): string {
  if (!/information_schema/i.test(sql)) return sql;
  return sql.replace(CATALOG_INFORMATION_SCHEMA, (_m, schema: string) => `${schema}.`);
}

/** Runs a compile-time query (`run_query`, `statement`, introspection) on the warehouse; an empty result still names its columns. */
export function compileQuery(read: <T>(sql: string) => Promise<T[]>): CompileQuery {
  return async (raw) => {
    const sql = adaptSql(raw);
    const rows = await read<Record<string, unknown>>(sql);
    if (rows.length) {
      const columns = Object.keys(rows[0]!);
      return { columns, rows: rows.map((r) => columns.map((c) => r[c])) };
    }
    // No row to read the names from: ask DuckDB to describe the query (statements that are not queries have none).
    const described = await read<{ column_name: string }>(`DESCRIBE ${sql}`).catch(() => []);
    return { columns: described.map((d) => d.column_name), rows: [] };
  };
}
