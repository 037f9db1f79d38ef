import type { Warehouse } from '../../warehouse';
import type { ProjectGraph } from '../graph/project-graph';
import { artifactMetadata } from './artifact-metadata';

interface ColumnRow {
  s: string;
  t: string;
  c: string;
  ty: string;
  i: number;
}

/**
 * dbt's `catalog.json` (schema v1): for every model, seed and source that exists in the warehouse,
 * its columns and types as DuckDB reports them, and exact row counts for tables.
 */
export async function buildCatalog(graph: ProjectGraph, warehouse: Warehouse, invocationId: string, generatedAt: string): Promise<Record<string, unknown>> {
  const tables = await warehouse.query<{ s: string; t: string; ty: string }>(
    'SELECT table_schema AS s, table_name AS t, table_type AS ty FROM information_schema.tables WHERE table_catalog = current_database()',
  );
  const cols = await warehouse.query<ColumnRow>(
    `SELECT table_schema AS s, table_name AS t, column_name AS c, data_type AS ty, ordinal_position AS i
       FROM information_schema.columns WHERE table_catalog = current_database() ORDER BY 1, 2, 5`,
  );
  const kind = new Map(tables.map((r) => [`${r.s}\0${r.t}`, r.ty]));
  const byTable = new Map<string, ColumnRow[]>();
  for (const c of cols) {
    const key = `${c.s}\0${c.t}`;
    let list = byTable.get(key);
    if (!list) byTable.set(key, (list = []));
    list.push(c);
  }
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  for (const n of graph.nodes.values()) {
    if (n.resource_type === 'test' || n.resource_type === 'unit_test' || (n.resource_type === 'model' && n.config.materialized === 'ephemeral')) continue;
    const key = `${n.schema}\0${n.alias}`;
    const type = kind.get(key);
    if (!type) continue;
    const columns: Record<string, unknown> = {};
    for (const c of byTable.get(key) ?? []) columns[c.c] = { type: c.ty, index: Number(c.i), name: c.c, comment: null };
    const stats: Record<string, unknown> = { has_stats: { id: 'has_stats', label: 'Has Stats?', value: type !== 'VIEW', include: false, description: 'Indicates whether there are statistics for this table' } };
    if (type !== 'VIEW') {
      const [row] = await warehouse.query<{ n: number }>(`SELECT count(*) AS n FROM ${n.relation}`);
      stats.row_count = { id: 'row_count', label: 'Row Count', value: Number(row?.n ?? 0), include: true, description: 'Number of rows in the table' };
    }
    const entry = {
      metadata: { type: type === 'VIEW' ? 'VIEW' : 'BASE TABLE', schema: n.schema, name: n.alias, database: n.database, comment: null, owner: null },
      columns, stats, unique_id: n.unique_id,
    };
    (n.resource_type === 'source' ? sources : nodes)[n.unique_id] = entry;
  }
  return { metadata: artifactMetadata('catalog/v1', invocationId, generatedAt), nodes, sources, errors: null };
}
