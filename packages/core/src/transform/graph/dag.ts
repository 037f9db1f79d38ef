import { DangoError } from '../../errors';

/** Parent and child lists by unique_id, as in dbt's manifest. */
export interface GraphMaps {
  parentMap: Map<string, string[]>;
  childMap: Map<string, string[]>;
}

/** Builds parent/child maps from each node's `depends_on`. */
export function buildMaps(nodes: Iterable<{ unique_id: string; depends_on: string[] }>): GraphMaps {
  const parentMap = new Map<string, string[]>();
  const childMap = new Map<string, string[]>();
  const list = [...nodes];
  for (const n of list) {
    parentMap.set(n.unique_id, [...new Set(n.depends_on)].sort());
    childMap.set(n.unique_id, []);
  }
  for (const n of list) for (const p of parentMap.get(n.unique_id)!) childMap.get(p)?.push(n.unique_id);
  for (const c of childMap.values()) c.sort();
  return { parentMap, childMap };
}

/** Node ids in dependency order; a cycle throws naming every node in it (as `a -> b -> a`). */
export function topoOrder(parentMap: Map<string, string[]>, label: (id: string) => string = (id) => id): string[] {
  const state = new Map<string, 1 | 2>();
  const order: string[] = [];
  const stack: string[] = [];
  const visit = (id: string): void => {
    const s = state.get(id);
    if (s === 2) return;
    if (s === 1) {
      const cycle = [...stack.slice(stack.indexOf(id)), id].map(label);
      throw new DangoError('CONFIG_INVALID', `Found a cycle in the dbt project: ${cycle.join(' -> ')}`);
    }
    state.set(id, 1);
    stack.push(id);
    for (const p of parentMap.get(id) ?? []) if (parentMap.has(p)) visit(p);
    stack.pop();
    state.set(id, 2);
    order.push(id);
  };
  for (const id of [...parentMap.keys()].sort()) visit(id);
  return order;
}

/** Every node reachable from `start` through `edges` (excluding `start` itself). */
export function reachable(start: string, edges: Map<string, string[]>): Set<string> {
  const seen = new Set<string>();
  const todo = [...(edges.get(start) ?? [])];
  while (todo.length) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    todo.push(...(edges.get(id) ?? []));
  }
  return seen;
}
