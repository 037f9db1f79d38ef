import { performance } from 'node:perf_hooks';
import { DangoError, errorMessage } from '../../errors';
import type { Warehouse } from '../../warehouse';
import { adapterOf } from '../adapter/duckdb';
import { createCompiler } from '../graph/compile-node';
import { reachable } from '../graph/dag';
import { needsQuery, QuerySession, renderWithQueries, type QueryHolder } from '../jinja/compile-queries';
import type { ExecNode, ModelNode, SeedNode, TestNode } from '../graph/nodes';
import type { AnalysisNode } from '../graph/parse-declared';
import type { ProjectGraph } from '../graph/project-graph';
import { selectNodes } from '../graph/selection';
import type { NodeResult } from '../types';
import { relationKey, rememberRelation, type RelationKinds } from './materialize';
import { schedule, selectedParents, type Outcome } from './scheduler';
import { addUnitTestEdges } from '../unit-tests/build-edges';
import { runUnitTest } from '../unit-tests/run-unit-test';

/** The dbt commands the embedded engine runs. */
export type Command = 'run' | 'test' | 'seed' | 'build' | 'compile' | 'snapshot';

/** Options of one command run. */
export interface CommandOptions {
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  threads: number;
  /** Called as each node finishes (also for skipped nodes). */
  onResult?: (result: NodeResult, node: ExecNode) => void;
}

/** What a command did: node results in completion order and the SQL each node compiled to. */
export interface CommandOutcome {
  results: NodeResult[];
  compiled: Map<string, string>;
  /** Nodes chosen for the command (executable ones), in graph order. */
  nodes: ExecNode[];
}

const isEphemeral = (n: ExecNode) => n.resource_type === 'model' && n.config.materialized === 'ephemeral';

/** The nodes a command acts on: its resource types among the selection (tests also when a parent is selected). */
export function nodesFor(graph: ProjectGraph, command: Command, options: { select?: string[]; exclude?: string[] }): ExecNode[] {
  const selected = selectNodes(graph, options.select, options.exclude);
  const excluded = options.exclude?.length ? selectNodes(graph, options.exclude) : new Set<string>();
  const want = new Set<string>(
    command === 'run' ? ['model'] : command === 'seed' ? ['seed'] : command === 'test' ? ['test', 'unit_test'] : command === 'compile' ? ['model', 'test', 'snapshot']
    : command === 'snapshot' ? ['snapshot'] : ['model', 'seed', 'test', 'snapshot', 'unit_test'],
  );
  const out: ExecNode[] = [];
  for (const id of graph.order) {
    const node = graph.nodes.get(id)!;
    if (node.resource_type === 'source' || !want.has(node.resource_type)) continue;
    const isTest = node.resource_type === 'test' || node.resource_type === 'unit_test';
    const picked = selected.has(id) || (isTest && !excluded.has(id) && node.depends_on.some((p) => selected.has(p)));
    if (!picked) continue;
    if (command !== 'compile' && isEphemeral(node)) continue;
    out.push(node);
  }
  return out;
}


/**
 * For `build`: a model's tests become parents of its children, so a failing test skips them (as dbt
 * build does), except a child the test itself depends on (a relationships test from A to its child B
 * runs after both and does not hold B back).
 */
function buildEdges(graph: ProjectGraph, nodes: ExecNode[]): Map<string, string[]> {
  const map = new Map(graph.parentMap);
  for (const t of nodes) {
    if (t.resource_type !== 'test' || !t.attached_node) continue;
    const upstream = reachable(t.unique_id, graph.parentMap);
    for (const child of graph.childMap.get(t.attached_node) ?? []) {
      const kind = graph.nodes.get(child)?.resource_type;
      if (kind === 'test' || kind === 'unit_test' || upstream.has(child)) continue;
      map.set(child, [...(map.get(child) ?? []), t.unique_id]);
    }
  }
  addUnitTestEdges(map, nodes);
  return map;
}

/**
 * Compiles every chosen node first (one that fails to render fails alone and its children skip), then
 * executes them in dependency order, `threads` at a time; each model or seed holds the write queue only for its own
 * transaction, and tests are concurrent reads.
 */
export async function runCommand(graph: ProjectGraph, warehouse: Warehouse, command: Command, options: CommandOptions): Promise<CommandOutcome> {
  const nodes = nodesFor(graph, command, options);
  const compiler = createCompiler(graph);
  const adapter = adapterOf(graph.ctx);
  const kinds: RelationKinds = command === 'compile' ? { relations: new Map(), schemas: new Set() } : await adapter.readRelationKinds((sql) => warehouse.query(sql));
  const compiled = new Map<string, string>();
  const incremental = new Set<string>();
  const hooks = new Map<string, { pre: string[]; post: string[] }>();
  const compileOne = (node: ExecNode) => () => {
    if (node.resource_type === 'model') {
      // A model's own full_refresh config wins over the flag, as in dbt.
      const fullRefresh = typeof node.config.full_refresh === 'boolean' ? node.config.full_refresh : !!options.fullRefresh;
      const isInc = node.config.materialized === 'incremental' && !fullRefresh && kinds.relations.get(relationKey(node.schema, node.alias)) === 'table';
      if (isInc) incremental.add(node.unique_id);
      compiled.set(node.unique_id, compiler.model(node, isInc));
    } else if (node.resource_type === 'test') compiled.set(node.unique_id, compiler.test(node));
    else if (node.resource_type === 'snapshot') compiled.set(node.unique_id, compiler.model(node, false));
    // Models and seeds run their hooks in their own transaction, around what they build.
    if (node.resource_type !== 'test' && node.resource_type !== 'unit_test' && (node.config['pre-hook'].length || node.config['post-hook'].length)) {
      hooks.set(node.unique_id, { pre: compiler.hooks(node, 'pre-hook'), post: compiler.hooks(node, 'post-hook') });
    }
  };
  const query = adapter.compileQuery((sql) => warehouse.query(sql));
  // Nodes whose Jinja queries the warehouse compile just before they run, when their parents exist (as dbt compiles).
  const atRunTime = new Set<string>();
  // A node that fails to render fails alone (its children skip); the rest of the selection still runs.
  const broken = new Map<string, string>();
  for (const node of nodes) {
    if (node.resource_type === 'model' && node.parse_error) {
      broken.set(node.unique_id, node.parse_error);
      continue;
    }
    try {
      if (command === 'compile') await renderWithQueries(compiler.queries, compileOne(node), query);
      else if (!compileUnlessQuerying(compiler.queries, compileOne(node))) atRunTime.add(node.unique_id);
    } catch (err) {
      broken.set(node.unique_id, errorMessage(err));
    }
  }
  // Analyses compile like models (so after the models of a build exist) and never run.
  const analyses = () => compileAnalyses(graph, options, compiled, (node) =>
    renderWithQueries(compiler.queries, () => void compiled.set(node.unique_id, compiler.model(node as unknown as ModelNode, false)), query));
  const results: NodeResult[] = [];
  const report = (r: NodeResult, node: ExecNode) => {
    results.push(r);
    options.onResult?.(r, node);
  };
  if (command === 'compile') {
    await analyses();
    for (const node of nodes) {
      const error = broken.get(node.unique_id);
      report({ unique_id: node.unique_id, name: node.name, resource_type: node.resource_type, status: error ? 'error' : 'success', execution_time: 0, message: error ?? 'compiled' }, node);
    }
    return { results, compiled, nodes };
  }
  // dbt's `schemas`: where this run's models and seeds live, for hooks such as grants.
  const schemas = [...new Set(nodes.filter((n) => n.resource_type !== 'test' && n.resource_type !== 'unit_test').map((n) => n.schema))];
  await runProjectHooks(warehouse, 'on-run-start', compiler.projectHooks('on-run-start', schemas));
  const ids = new Set(nodes.map((n) => n.unique_id));
  const parents = selectedParents(ids, command === 'build' ? buildEdges(graph, nodes) : graph.parentMap);
  const byId = new Map(nodes.map((n) => [n.unique_id, n]));
  await schedule({
    order: nodes.map((n) => n.unique_id),
    parents,
    threads: Math.max(1, options.threads),
    label: (id) => graph.nodes.get(id)?.name ?? id,
    skip: (id, cause) => {
      const node = byId.get(id)!;
      report({ unique_id: id, name: node.name, resource_type: node.resource_type, status: 'skipped', execution_time: 0, message: `Skipped because ${graph.nodes.get(cause)?.name ?? cause} did not succeed` }, node);
    },
    run: async (id) => {
      const node = byId.get(id)!;
      const t0 = performance.now();
      const base = { unique_id: id, name: node.name, resource_type: node.resource_type };
      try {
        const error = broken.get(id);
        if (error !== undefined) throw new Error(error);
        if (atRunTime.has(id)) await renderWithQueries(compiler.queries, compileOne(node), query);
        if (node.resource_type === 'test') {
          const r = await runTest(warehouse, node, compiled.get(id)!);
          report({ ...base, ...r, execution_time: secs(t0) }, node);
          return r.status === 'pass' || r.status === 'warn' ? 'ok' : 'blocked';
        }
        if (node.resource_type === 'unit_test') {
          const { sql, ...r } = await runUnitTest(graph, compiler, warehouse, node);
          if (sql !== null) compiled.set(id, sql);
          report({ ...base, ...r, execution_time: secs(t0) }, node);
          return r.status === 'pass' ? 'ok' : 'blocked';
        }
        const m = node.resource_type === 'seed'
          ? await warehouse.write((conn) => adapter.loadSeed(conn, kinds, node as SeedNode, hooks.get(id)), { transaction: true })
          : node.resource_type === 'snapshot'
          ? await warehouse.write((conn) => adapter.runSnapshot(conn, node, compiled.get(id)!, new Date(), graph.ctx.target.database, hooks.get(id)), { transaction: true })
          : await warehouse.write((conn) => adapter.materializeModel(conn, kinds, node as ModelNode, compiled.get(id)!, incremental.has(id), hooks.get(id)), { transaction: true });
        // Only this run writes this relation (one run per model), so the map stays exact.
        rememberRelation(kinds, node.schema, node.alias, node.config.materialized === 'view' ? 'view' : 'table');
        report({ ...base, status: 'success', execution_time: secs(t0), message: m.message, rows_affected: m.rows_affected }, node);
        return 'ok' as Outcome;
      } catch (err) {
        report({ ...base, status: 'error', execution_time: secs(t0), message: errorMessage(err) }, node);
        return 'blocked' as Outcome;
      }
    },
  });
  await runProjectHooks(warehouse, 'on-run-end', compiler.projectHooks('on-run-end', schemas));
  if (command === 'build') await analyses();
  return { results, compiled, nodes };
}

/** Compiles the selected analyses into `compiled` (never run); one that fails is a warning, as it builds nothing. */
async function compileAnalyses(graph: ProjectGraph, options: { select?: string[] }, compiled: Map<string, string>, compile: (node: AnalysisNode) => Promise<void>): Promise<void> {
  const chosen = options.select?.length ? graph.analyses.filter((a) => options.select!.some((s) => s.split(/\s+/).includes(a.name))) : graph.analyses;
  for (const node of chosen) {
    try {
      if (node.parse_error) throw new Error(node.parse_error);
      await compile(node);
    } catch (err) {
      compiled.delete(node.unique_id);
      graph.ctx.onLog?.(`Warning: analysis ${node.name} (${node.original_file_path}) did not compile: ${errorMessage(err)}`);
    }
  }
}

/** Runs `on-run-start` / `on-run-end` statements in order, each in its own write; a failure stops the run, as in dbt. */
async function runProjectHooks(warehouse: Warehouse, which: string, statements: string[]): Promise<void> {
  for (const [i, sql] of statements.entries()) {
    try {
      await warehouse.write((conn) => conn.run(sql), { transaction: true });
    } catch (err) {
      throw new DangoError('RUN_FAILED', `Database error in ${which} hook ${i + 1} (dbt_project.yml): ${errorMessage(err)}`, { cause: err });
    }
  }
}

/** Compiles without the warehouse; false when the node's Jinja needs a query (it compiles at run time then). */
function compileUnlessQuerying(holder: QueryHolder, compile: () => void): boolean {
  holder.session = new QuerySession();
  try {
    compile();
    return true;
  } catch (err) {
    if (needsQuery(err)) return false;
    throw err;
  } finally {
    holder.session = null;
  }
}

function secs(t0: number): number {
  return Math.round(performance.now() - t0) / 1000;
}

/** A test config value that dbt pastes into its test query as SQL (`fail_calc`, `warn_if`, `error_if`), or its default. */
function sqlConfig(node: TestNode, key: string, fallback: string): string {
  const v = node.config[key];
  return typeof v === 'string' && v.trim() ? v.trim() : fallback;
}

/**
 * Runs a test as dbt's test materialization does: `fail_calc` (default `count(*)`) over the test's
 * rows (at most `limit`), compared with `error_if` and `warn_if` (default `!= 0`); severity warn
 * never errors.
 */
async function runTest(warehouse: Warehouse, node: TestNode, sql: string): Promise<Pick<NodeResult, 'status' | 'message' | 'failures'>> {
  const calc = sqlConfig(node, 'fail_calc', 'count(*)');
  const warnIf = sqlConfig(node, 'warn_if', '!= 0');
  const errorIf = sqlConfig(node, 'error_if', '!= 0');
  const limit = typeof node.config.limit === 'number' ? `\nlimit ${Math.trunc(node.config.limit)}` : '';
  let row: { failures: number | string | null; should_warn: boolean; should_error: boolean } | undefined;
  try {
    [row] = await warehouse.query(
      `select ${calc} as failures, (${calc}) ${warnIf} as should_warn, (${calc}) ${errorIf} as should_error from (\n${sql}${limit}\n) dbt_internal_test`,
    );
  } catch (err) {
    return { status: 'error', message: `Database error in test ${node.name} (${node.original_file_path}): ${errorMessage(err)}`, failures: null };
  }
  const failures = Number(row?.failures ?? 0);
  const warnOnly = String(node.config.severity ?? 'ERROR').toUpperCase() === 'WARN';
  const got = `Got ${failures} result${failures === 1 ? '' : 's'}`;
  if (!warnOnly && row?.should_error) return { status: 'fail', message: `${got}, configured to fail if ${errorIf}`, failures };
  if (row?.should_warn) return { status: 'warn', message: `${got}, configured to warn if ${warnIf}`, failures };
  return { status: 'pass', message: null, failures };
}
