import { DangoError, errorMessage } from '../errors';
import { listColumns, type Warehouse } from '../warehouse';
import { loadGraph } from './embedded-engine';
import { createCompiler } from './graph/compile-node';
import type { ModelNode, TestNode } from './graph/nodes';
import { modelLineage, type ModelLineage } from './model-lineage';
import { hasDbtProject } from './project/load-project';

/** One model as the dashboard's model page shows it (`GET /api/dbt/models/{name}/details`). */
export interface ModelDetails {
  name: string;
  description: string;
  schema: string;
  materialization: string;
  path: string;
  tags: string[];
  raw_sql: string;
  /** The SQL as a full build would run it; null when it does not compile (see `compile_error`). */
  compiled_sql: string | null;
  compile_error: string | null;
  /** Documented columns first, then the ones only the warehouse knows, with the warehouse's types. */
  columns: { name: string; description: string; data_type: string | null }[];
  tests: { name: string; column: string | null; test: string }[];
  upstream: { name: string; kind: 'model' | 'seed' | 'source' | 'snapshot' }[];
  downstream: string[];
  /** The whole upstream and downstream chains, for the lineage graph. */
  lineage: ModelLineage;
}

/** Reads one model's SQL (raw and compiled), columns, tests and lineage from the dbt project and the warehouse. */
export async function modelDetails(settings: { dbtDir: string; warehouse: Warehouse; threads: number }, name: string): Promise<ModelDetails> {
  if (!hasDbtProject(settings.dbtDir)) throw new DangoError('NOT_FOUND', `No dbt project at ${settings.dbtDir} (dbt_project.yml is missing)`);
  const graph = loadGraph(settings);
  const node = graph.byName.get(name);
  if (!node || node.resource_type !== 'model') throw new DangoError('NOT_FOUND', `Model '${name}' not found`);
  const model = node as ModelNode;
  let compiled: string | null = null;
  let compileError: string | null = null;
  try {
    compiled = createCompiler(graph).model(model, false);
  } catch (err) {
    compileError = errorMessage(err);
  }
  const built = await listColumns(settings.warehouse, model.schema, model.alias).catch(() => []);
  const types = new Map(built.map((c) => [c.name, c.type]));
  const documented = new Set(model.columns.map((c) => c.name));
  const columns = [
    ...model.columns.map((c) => ({ name: c.name, description: c.description, data_type: types.get(c.name) ?? c.data_type })),
    ...built.filter((c) => !documented.has(c.name)).map((c) => ({ name: c.name, description: '', data_type: c.type })),
  ];
  const tests = [...graph.nodes.values()]
    .filter((n): n is TestNode => n.resource_type === 'test' && n.attached_node === model.unique_id)
    .map((t) => ({ name: t.name, column: t.column_name, test: t.test_name ?? 'singular' }));
  const upstream = model.depends_on
    .map((id) => graph.nodes.get(id))
    .filter((n) => n !== undefined && n.resource_type !== 'test')
    .map((n) => (n!.resource_type === 'source' ? { name: `${n!.source_name}.${n!.name}`, kind: 'source' as const } : { name: n!.name, kind: n!.resource_type as 'model' | 'seed' | 'snapshot' }));
  const downstream = (graph.childMap.get(model.unique_id) ?? [])
    .map((id) => graph.nodes.get(id))
    .filter((n) => n?.resource_type === 'model')
    .map((n) => n!.name);
  return {
    name: model.name,
    description: model.description,
    schema: model.schema,
    materialization: model.config.materialized,
    path: model.original_file_path,
    tags: model.config.tags ?? [],
    raw_sql: model.raw_code,
    compiled_sql: compiled,
    compile_error: compileError,
    columns,
    tests,
    upstream,
    downstream,
    lineage: modelLineage(graph, model.unique_id),
  };
}
