import type { Warehouse } from '../warehouse';
import { nodesFor } from './execute/run-command';
import type { ProjectGraph } from './graph/project-graph';

/**
 * Seeds that the models of a selection read from and that are not in the warehouse yet.
 * An automatic run after a sync loads these first: `dbt run` never loads seeds, so on a fresh
 * warehouse every model joining a seed would fail until someone ran `dango seed` by hand.
 */
export async function missingSeedsFor(graph: ProjectGraph, warehouse: Warehouse, select: string[]): Promise<string[]> {
  const seeds = new Map<string, { schema: string; alias: string }>();
  for (const model of nodesFor(graph, 'run', { select })) {
    for (const parentId of model.depends_on) {
      const parent = graph.nodes.get(parentId);
      if (parent?.resource_type === 'seed') seeds.set(parent.name, { schema: parent.schema, alias: parent.alias });
    }
  }
  if (seeds.size === 0) return [];
  const existing = await warehouse.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables WHERE table_catalog = current_database()`,
  );
  const present = new Set(existing.map((r) => `${r.s}.${r.t}`));
  return [...seeds].filter(([, rel]) => !present.has(`${rel.schema}.${rel.alias}`)).map(([name]) => name);
}
