import { loadSeed, materializeModel, readRelationKinds } from '../execute/materialize';
import { adaptSql, compileQuery, defineAdapter, DUCKDB_TYPES } from './duckdb-adapter';
import { duckdbMacroSource } from './duckdb-macros';
import { quoteIdentifier } from './relation';
import type { WarehouseAdapter } from './warehouse-adapter';
import { runSnapshot } from '../snapshots/run-snapshot';

/** The DuckDB adapter: the one object the engine reaches DuckDB's SQL through. */
export const duckdbAdapter: WarehouseAdapter = {
  type: 'duckdb',
  types: DUCKDB_TYPES,
  quote: (name) => quoteIdentifier(name),
  adaptSql,
  macroSource: duckdbMacroSource,
  defineJinja: defineAdapter,
  compileQuery,
  readRelationKinds,
  materializeModel,
  loadSeed,
  runSnapshot,
};

/** The adapter a project's context names; DuckDB when it names none. */
export function adapterOf(ctx: { adapter?: WarehouseAdapter }): WarehouseAdapter {
  return ctx.adapter ?? duckdbAdapter;
}
