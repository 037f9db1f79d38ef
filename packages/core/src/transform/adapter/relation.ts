import { isRuntime, jinjaFunction, renderableObject, toRuntime, type RuntimeValue } from '../jinja/jinja-values';

/** The parts of a relation, as dbt's `Relation` holds them. */
export interface RelationParts {
  database: string | null;
  schema: string | null;
  identifier: string | null;
  /** `table`, `view`, `cte`, `materialized_view` or null when unknown. */
  type?: string | null;
  /** Which parts render (dbt's `include()`); DuckDB relations of the project's own file render without the database. */
  include?: { database: boolean; schema: boolean; identifier: boolean };
}

/** Double-quotes an identifier as DuckDB does. */
export const quoteIdentifier = (s: unknown): string => `"${String(s).replaceAll('"', '""')}"`;

/** How a relation renders in SQL: its included, non-empty parts quoted and joined with dots. */
export function renderRelation(parts: RelationParts): string {
  const inc = parts.include ?? { database: false, schema: true, identifier: true };
  const out: string[] = [];
  if (inc.database && parts.database) out.push(quoteIdentifier(parts.database));
  if (inc.schema && parts.schema) out.push(quoteIdentifier(parts.schema));
  if (inc.identifier && parts.identifier) out.push(parts.type === 'cte' ? parts.identifier : quoteIdentifier(parts.identifier));
  return out.join('.');
}

const flag = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);

/**
 * A dbt `Relation` as a Jinja value: renders as its SQL name and has dbt's attributes
 * (`database`, `schema`, `identifier`, `name`, `table`, `type`, `is_table`, `is_view`, `is_cte`,
 * `metadata.type`, `path`) and methods (`include()`, `incorporate()`, `replace_path()`, `render()`,
 * `quote()`, `without_identifier()`).
 */
export function relationObject(parts: RelationParts): RuntimeValue {
  const inc = parts.include ?? { database: false, schema: true, identifier: true };
  const type = parts.type ?? null;
  const text = renderRelation(parts);
  const value = renderableObject({
    database: parts.database, schema: parts.schema, identifier: parts.identifier, name: parts.identifier, table: parts.identifier,
    type, is_table: type === 'table', is_view: type === 'view', is_cte: type === 'cte', is_materialized_view: type === 'materialized_view',
  }, text);
  // Every ref() makes a relation: the nested values and methods are made on first use only.
  const attrs = value.value as Map<string, RuntimeValue>;
  const lazy = new LazyAttributes(() => relationExtras(parts, inc, type, text));
  for (const [k, v] of attrs) lazy.set(k, v);
  lazy.toString = () => text;
  value.value = lazy;
  return value;
}

/** A relation's attribute table that builds its less used attributes when one is first asked for. */
class LazyAttributes extends Map<string, RuntimeValue> {
  private extras: Map<string, RuntimeValue> | null = null;
  constructor(private readonly make: () => Record<string, unknown>) {
    super();
  }
  private more(): Map<string, RuntimeValue> {
    this.extras ??= new Map(Object.entries(this.make()).map(([k, v]) => [k, isRuntime(v) ? v : toRuntime(v)]));
    return this.extras;
  }
  override has(key: string): boolean {
    return super.has(key) || this.more().has(key);
  }
  override get(key: string): RuntimeValue | undefined {
    return super.get(key) ?? this.more().get(key);
  }
}

function relationExtras(parts: RelationParts, inc: NonNullable<RelationParts['include']>, type: string | null, text: string): Record<string, unknown> {
  const withPath = (path: Record<string, unknown>) => ({
    ...parts,
    database: 'database' in path ? (path.database as string | null) : parts.database,
    schema: 'schema' in path ? (path.schema as string | null) : parts.schema,
    identifier: 'identifier' in path ? (path.identifier as string | null) : parts.identifier,
  });
  return {
    metadata: { type: 'DuckDBRelation' },
    path: { database: parts.database, schema: parts.schema, identifier: parts.identifier },
    quote_policy: { database: true, schema: true, identifier: true },
    render: jinjaFunction(() => text),
    quote: jinjaFunction(() => relationObject(parts)),
    include: jinjaFunction(({ kwargs }) => relationObject({
      ...parts, include: { database: flag(kwargs.database, inc.database), schema: flag(kwargs.schema, inc.schema), identifier: flag(kwargs.identifier, inc.identifier) },
    })),
    incorporate: jinjaFunction(({ kwargs }) => relationObject({
      ...withPath((kwargs.path ?? {}) as Record<string, unknown>),
      type: typeof kwargs.type === 'string' ? kwargs.type : type,
    })),
    replace_path: jinjaFunction(({ kwargs }) => relationObject(withPath(kwargs))),
    without_identifier: jinjaFunction(() => relationObject({ ...parts, include: { ...inc, identifier: false } })),
  };
}

/** A relation value built from `api.Relation.create(database=, schema=, identifier=, type=)`. */
export function createRelation(kwargs: Record<string, unknown>, defaults: { database: string }): RuntimeValue {
  const str = (v: unknown) => (v === undefined || v === null ? null : String(v));
  const database = str(kwargs.database) ?? defaults.database;
  return relationObject({
    database, schema: str(kwargs.schema), identifier: str(kwargs.identifier ?? kwargs.table), type: str(kwargs.type),
    // A relation in another database file must name it; the project's own renders as schema.name.
    include: { database: database !== defaults.database, schema: true, identifier: true },
  });
}

/** The parts of a relation value (or of a `database.schema.name` string). */
export function relationParts(v: RuntimeValue | unknown): RelationParts {
  const get = (k: string) => {
    const map = (v as RuntimeValue).value as Map<string, RuntimeValue>;
    const x = map.get(k);
    return x && x.type !== 'NullValue' && x.type !== 'UndefinedValue' ? String(x.value) : null;
  };
  if (v && typeof v === 'object' && 'type' in v && (v as RuntimeValue).value instanceof Map) {
    return { database: get('database'), schema: get('schema'), identifier: get('identifier'), type: get('type') };
  }
  const bits = String(v).split('.').map((b) => b.replace(/^"|"$/g, ''));
  return { database: bits.length > 2 ? bits.at(-3)! : null, schema: bits.length > 1 ? bits.at(-2)! : null, identifier: bits.at(-1)! };
}
