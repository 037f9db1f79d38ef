import type { Environment } from '@huggingface/jinja';
import type { WarehouseConnection } from '../../warehouse';
import type { ModelNode, SeedNode, SnapshotNode } from '../graph/nodes';
import type { CompileQuery } from '../jinja/compile-queries';
import type { AdapterContext } from './duckdb-adapter';
import type { MaterializeResult, NodeHooks, RelationKinds } from '../execute/materialize';

/**
 * Everything the engine asks of the warehouse it builds in: quoting, type names, the Jinja `adapter`
 * and `api` objects, its `<type>__` implementations of dbt's global macros, introspection and the
 * materialisation SQL. DuckDB has one (`duckdbAdapter`); another warehouse would write one more.
 */
export interface WarehouseAdapter {
  /** dbt's adapter type (`target.type`, `adapter.type()`). */
  type: string;
  /** dbt's type names (`type_string()`...). */
  types: Record<'string' | 'timestamp' | 'float' | 'int' | 'bigint' | 'boolean' | 'numeric', string>;
  /** Quotes an identifier. */
  quote(name: string): string;
  /** SQL as this warehouse runs it (rewrites of what package SQL written for others says). */
  adaptSql(sql: string): string;
  /** Source of the `<type>__` implementations of dbt's global macros. */
  macroSource(): string;
  /** Registers `adapter`, `api.Relation`/`api.Column` and `load_relation` in a Jinja environment. */
  defineJinja(env: Environment, context: AdapterContext): void;
  /** Runs compile-time queries (`run_query`, `statement`, introspection). */
  compileQuery(read: <T>(sql: string) => Promise<T[]>): CompileQuery;
  /** The relations that exist, by schema and name. */
  readRelationKinds(all: <T>(sql: string) => Promise<T[]>): Promise<RelationKinds>;
  /** Materialises a model in the caller's transaction. */
  materializeModel(conn: WarehouseConnection, kinds: RelationKinds, node: ModelNode, sql: string, incrementalRun: boolean, hooks?: NodeHooks): Promise<MaterializeResult>;
  /** Loads a seed in the caller's transaction. */
  loadSeed(conn: WarehouseConnection, kinds: RelationKinds, node: SeedNode, hooks?: NodeHooks): Promise<MaterializeResult>;
  /** Runs a snapshot (creates it, or records changed rows as new versions) in the caller's transaction, at snapshot time `at`. */
  runSnapshot(conn: WarehouseConnection, node: SnapshotNode, sql: string, at: Date, targetDatabase: string, hooks?: NodeHooks): Promise<MaterializeResult>;
}
