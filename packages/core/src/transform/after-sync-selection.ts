import type { Warehouse } from '../warehouse';
import { reachable } from './graph/dag';
import type { SourceNode } from './graph/nodes';
import type { ProjectGraph } from './graph/project-graph';
import { selectOne } from './graph/selection';

/** What runs after a sync of one source, and what waits for other sources to load first. */
export interface AfterSyncSelection {
  /** Names of the source's downstream models whose every source table is loaded. */
  ready: string[];
  /** Models that read a source table not loaded yet, with those tables (`source.table`). */
  waiting: Array<{ model: string; missing: string[] }>;
}

/**
 * The models downstream of `source` that can run now. A model that also reads another source which has
 * never loaded (the first sync of a project loads its sources one after the other) would only fail on a
 * missing table: it waits until that source's own sync runs it.
 */
export async function modelsReadyAfterSync(graph: ProjectGraph, warehouse: Warehouse, source: string): Promise<AfterSyncSelection> {
  const rows = await warehouse.query<{ s: string; t: string }>(
    'SELECT schema_name AS s, table_name AS t FROM duckdb_tables() WHERE database_name = current_database() ' +
      'UNION ALL SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal',
  );
  const present = new Set(rows.map((r) => `${r.s.toLowerCase()}.${r.t.toLowerCase()}`));
  const ready: string[] = [];
  const waiting: AfterSyncSelection['waiting'] = [];
  for (const id of selectOne(graph, `source:${source}+`)) {
    const node = graph.nodes.get(id);
    if (node?.resource_type !== 'model') continue;
    const missing = [...reachable(id, graph.parentMap)]
      .map((a) => graph.nodes.get(a))
      .filter((a): a is SourceNode => a?.resource_type === 'source')
      .filter((s) => !present.has(`${s.schema.toLowerCase()}.${s.identifier.toLowerCase()}`))
      .map((s) => `${s.source_name}.${s.name}`);
    if (missing.length) waiting.push({ model: node.name, missing });
    else ready.push(node.name);
  }
  return { ready, waiting };
}
