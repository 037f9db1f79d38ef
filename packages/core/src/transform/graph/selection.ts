import { DangoError } from '../../errors';
import { reachable } from './dag';
import type { GraphNode } from './nodes';
import type { ProjectGraph } from './project-graph';

function globRe(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replaceAll('*', '.*').replaceAll('?', '.')}$`);
}

function matches(node: GraphNode, method: string, value: string): boolean {
  switch (method) {
    case '':
      if (value.includes('/')) return matches(node, 'path', value);
      if (value.includes('.') && !value.includes('*')) return matches(node, 'fqn', value);
      // A versioned model's name selects every version (as in dbt).
      return node.resource_type !== 'source' && (globRe(value).test(node.name) || (node.resource_type === 'model' && !!node.version_of && globRe(value).test(node.version_of)));
    case 'fqn':
      return node.fqn.join('.') === value || node.fqn.join('.').startsWith(`${value}.`) || (node.fqn.length > 1 && node.fqn.slice(1).join('.') === value);
    case 'path': {
      const p = value.replace(/\/+$/, '');
      return node.resource_type !== 'source' && (node.original_file_path === p || node.original_file_path.startsWith(`${p}/`) || globRe(p).test(node.original_file_path));
    }
    case 'tag':
      return node.config.tags.some((t) => globRe(value).test(t));
    case 'source': {
      if (node.resource_type !== 'source') return false;
      const [src, table] = value.split('.');
      return globRe(src!).test(node.source_name) && (table === undefined || globRe(table).test(node.name));
    }
    case 'resource_type':
      return node.resource_type === value;
    case 'test_type':
      // dbt's `unit` and `data` (generic and singular) test types, and Dango's `generic`/`singular`.
      if (node.resource_type === 'unit_test') return value === 'unit';
      return node.resource_type === 'test' && (node.kind === value || value === 'data');
    case 'config.materialized':
      return node.config.materialized === value;
    default:
      throw new DangoError('BAD_REQUEST', `Unknown selector method '${method}:' (use a name, path:, tag:, source:, fqn:, resource_type:, config.materialized:)`);
  }
}

/** The unique_ids one selector (such as `+name+`, `@name`, `source:src+`, `tag:x`, `a,b`) picks. */
export function selectOne(graph: ProjectGraph, selector: string): Set<string> {
  if (selector.includes(',')) {
    const parts = selector.split(',').filter(Boolean).map((s) => selectOne(graph, s));
    return new Set([...parts[0]!].filter((id) => parts.every((p) => p.has(id))));
  }
  // `@x`: x, its descendants, and every ancestor of those (what a CI build of x needs).
  if (selector.trim().startsWith('@')) {
    const out = selectOne(graph, `${selector.trim().slice(1)}+`);
    for (const id of [...out]) for (const a of reachable(id, graph.parentMap)) out.add(a);
    return out;
  }
  const m = /^(\d*\+)?(.*?)(\+\d*)?$/.exec(selector.trim())!;
  const [, up, body, down] = m;
  const mm = /^([a-z_.]+):(.*)$/.exec(body!);
  const method = mm ? mm[1]! : '';
  const value = mm ? mm[2]! : body!;
  if (!value) throw new DangoError('BAD_REQUEST', `Empty selector '${selector}'`);
  const picked = new Set<string>();
  for (const node of graph.nodes.values()) if (matches(node, method, value)) picked.add(node.unique_id);
  const out = new Set(picked);
  const depth = (s: string | undefined) => (s && s.replace('+', '') ? Number(s.replace('+', '')) : Infinity);
  for (const id of picked) {
    if (up) for (const a of within(graph.parentMap, id, depth(up))) out.add(a);
    if (down) for (const d of within(graph.childMap, id, depth(down))) out.add(d);
  }
  return out;
}

function within(edges: Map<string, string[]>, start: string, depth: number): Set<string> {
  if (depth === Infinity) return reachable(start, edges);
  const seen = new Set<string>();
  let frontier = [start];
  for (let d = 0; d < depth && frontier.length; d++) {
    const next: string[] = [];
    for (const id of frontier) for (const n of edges.get(id) ?? []) if (!seen.has(n)) (seen.add(n), next.push(n));
    frontier = next;
  }
  return seen;
}

function splitSelectors(list: string[] | undefined): string[] {
  return (list ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
}

/** The union of `select` (everything when empty) minus the union of `exclude`. */
export function selectNodes(graph: ProjectGraph, select?: string[], exclude?: string[]): Set<string> {
  const sel = splitSelectors(select);
  const out = new Set<string>();
  if (sel.length === 0) for (const id of graph.nodes.keys()) out.add(id);
  for (const s of sel) for (const id of selectOne(graph, s)) out.add(id);
  for (const s of splitSelectors(exclude)) for (const id of selectOne(graph, s)) out.delete(id);
  return out;
}
