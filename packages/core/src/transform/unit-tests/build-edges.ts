import type { ExecNode } from '../graph/nodes';

/**
 * For `build`: each unit test runs once its model's parents are built (their columns type the
 * given rows) and before its model, which a failing unit test skips (as dbt build does).
 */
export function addUnitTestEdges(edges: Map<string, string[]>, nodes: ExecNode[]): void {
  for (const ut of nodes) {
    if (ut.resource_type !== 'unit_test') continue;
    const model = ut.depends_on[0]!;
    edges.set(ut.unique_id, (edges.get(model) ?? []).filter((p) => p !== ut.unique_id));
  }
  for (const ut of nodes) {
    if (ut.resource_type !== 'unit_test') continue;
    const model = ut.depends_on[0]!;
    edges.set(model, [...(edges.get(model) ?? []), ut.unique_id]);
  }
}
