// The navigation tree: nodes grouped by folder or by schema, filtered by the search box.
import { matches } from './data.js';
import { h, nodeHref } from './dom.js';

const TYPE_ORDER = { source: 0, seed: 1, snapshot: 2, model: 3 };

function groupKey(node, groupBy) {
  if (groupBy === 'schema') return [node.database, node.schema].filter(Boolean).join('.') || '(no schema)';
  return node.folder || '(root)';
}

/** Sidebar groups (sorted by name) holding the nodes that match `query`. */
export function groupNodes(docs, groupBy, query) {
  const groups = new Map();
  for (const node of docs.nodes.values()) {
    if (!matches(node, query)) continue;
    const key = groupKey(node, groupBy);
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(node);
  }
  for (const list of groups.values()) {
    list.sort((a, b) => TYPE_ORDER[a.type] - TYPE_ORDER[b.type] || a.label.localeCompare(b.label));
  }
  return [...groups].sort(([a], [b]) => a.localeCompare(b));
}

/** Replaces the contents of `container` with the tree; `activeId` is marked as the current page. */
export function renderTree(container, docs, { groupBy, query, activeId }) {
  const groups = groupNodes(docs, groupBy, query);
  if (groups.length === 0) {
    container.replaceChildren(h('p', { className: 'muted no-matches' }, query ? `No matches for “${query}”.` : 'No models yet.'));
    return;
  }
  container.replaceChildren(...groups.map(([name, nodes]) => h('details', { open: true, className: 'group' },
    h('summary', {}, h('span', { className: 'group-name' }, name), h('span', { className: 'count' }, String(nodes.length))),
    h('ul', {}, nodes.map((node) => h('li', {},
      h('a', {
        href: nodeHref(node.id),
        className: `tree-link type-${node.type}${node.id === activeId ? ' active' : ''}`,
        'aria-current': node.id === activeId ? 'page' : null,
        'data-id': node.id,
        title: node.description || node.label,
      }, h('span', { className: 'dot' }), node.label),
    ))),
  )));
}
