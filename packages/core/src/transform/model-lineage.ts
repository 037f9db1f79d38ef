import type { ProjectGraph } from './graph/project-graph';

/** A node of a model's lineage graph; `depth` is its column: negative upstream, 0 the model, positive downstream. */
export interface LineageNode {
  id: string;
  name: string;
  kind: 'model' | 'seed' | 'source' | 'snapshot';
  depth: number;
}

/** A model's whole upstream and downstream chains (sources and seeds included) with the edges between them. */
export interface ModelLineage {
  nodes: LineageNode[];
  edges: { from: string; to: string }[];
}

const KINDS = new Set(['model', 'seed', 'source', 'snapshot']);

/**
 * Every ancestor and descendant of `focusId`. Depth is the longest path to the model, so every edge points
 * left to right when the nodes are laid out in columns by depth.
 */
export function modelLineage(graph: ProjectGraph, focusId: string): ModelLineage {
  const kept = (id: string) => KINDS.has(graph.nodes.get(id)?.resource_type ?? '');
  const depth = new Map<string, number>([[focusId, 0]]);
  // Relaxes along one direction until no node's depth grows: the graph is a DAG, so this ends.
  const walk = (links: Map<string, string[]>, step: 1 | -1) => {
    const queue = [focusId];
    while (queue.length) {
      const id = queue.shift()!;
      for (const next of links.get(id) ?? []) {
        if (!kept(next)) continue;
        const d = depth.get(id)! + step;
        if (depth.has(next) && Math.abs(depth.get(next)!) >= Math.abs(d)) continue;
        depth.set(next, d);
        queue.push(next);
      }
    }
  };
  walk(graph.parentMap, -1);
  walk(graph.childMap, 1);
  const nodes = [...depth].map(([id, d]) => {
    const n = graph.nodes.get(id)!;
    const name = n.resource_type === 'source' ? `${n.source_name}.${n.name}` : n.name;
    return { id, name, kind: n.resource_type as LineageNode['kind'], depth: d };
  });
  // Any parent-child pair of the kept nodes is drawn, e.g. a downstream model that also reads an upstream one directly.
  nodes.sort((a, b) => a.depth - b.depth || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const edges = nodes.flatMap((n) => (graph.parentMap.get(n.id) ?? []).filter((p) => depth.has(p)).map((p) => ({ from: p, to: n.id })));
  return { nodes, edges };
}

