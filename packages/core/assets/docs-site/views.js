// The main pane: the project overview and one page per node.
import { lineageOf } from './data.js';
import { h, nodeHref } from './dom.js';
import { renderLineage } from './lineage.js';

const TYPE_LABELS = { model: 'Model', seed: 'Seed', snapshot: 'Snapshot', source: 'Source' };

function section(title, ...content) {
  return h('section', { className: 'card' }, h('h2', {}, title), ...content);
}

function description(text) {
  return text ? h('p', { className: 'description' }, text) : h('p', { className: 'muted' }, 'No description.');
}

function nodeLink(docs, id) {
  const node = docs.nodes.get(id);
  return h('a', { href: nodeHref(id), className: `chip type-${node.type}` }, node.label);
}

function lineageCard(docs, ids, focusId) {
  return section('Lineage', h('div', { className: 'lineage-scroll' }, renderLineage(docs, ids, focusId)));
}

/** The landing page: project facts and the whole graph. */
export function renderOverview(docs) {
  const count = (type) => [...docs.nodes.values()].filter((n) => n.type === type).length;
  const facts = [
    ['Models', count('model')],
    ['Sources', count('source')],
    ['Seeds', count('seed')],
    ['Tests', docs.tests.length],
  ];
  const ids = new Set([...docs.nodes.keys()]);
  const models = [...docs.nodes.values()].filter((n) => n.type === 'model').sort((a, b) => a.label.localeCompare(b.label));
  return h('div', { className: 'page overview' },
    h('h1', {}, docs.project),
    h('div', { className: 'facts' }, facts.map(([label, value]) => h('div', { className: 'fact' }, h('strong', {}, String(value)), h('span', {}, label)))),
    docs.hasCatalog ? null : h('p', { className: 'notice' }, 'catalog.json is missing: column types and row counts are not shown. Run `dango docs generate`.'),
    ids.size ? lineageCard(docs, ids, null) : h('p', { className: 'muted' }, 'This project has no models yet.'),
    models.length ? section('Models', modelsTable(models)) : null,
  );
}

function modelsTable(models) {
  return h('table', { className: 'columns models' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Model'), h('th', {}, 'Materialized'), h('th', {}, 'Schema'), h('th', {}, 'Description'))),
    h('tbody', {}, models.map((m) => h('tr', {},
      h('td', { className: 'mono' }, h('a', { href: nodeHref(m.id) }, m.label)),
      h('td', {}, m.materialized),
      h('td', { className: 'mono' }, m.schema),
      h('td', {}, m.description),
    ))),
  );
}

function columnsTable(node) {
  if (node.columns.length === 0) return h('p', { className: 'muted' }, 'No columns documented or found in the catalog.');
  return h('table', { className: 'columns' },
    h('thead', {}, h('tr', {}, h('th', {}, 'Column'), h('th', {}, 'Type'), h('th', {}, 'Description'), h('th', {}, 'Tests'))),
    h('tbody', {}, node.columns.map((c) => h('tr', {},
      h('td', { className: 'mono' }, c.name),
      h('td', { className: 'mono type' }, c.type || '—'),
      h('td', {}, c.description || ''),
      h('td', {}, c.tests.map((t) => h('span', { className: 'test-pill', title: t.name }, t.kind))),
    ))),
  );
}

function testsList(node) {
  if (node.tests.length === 0) return h('p', { className: 'muted' }, 'No tests.');
  return h('ul', { className: 'tests' }, node.tests.map((t) => h('li', {},
    h('span', { className: 'test-pill' }, t.kind),
    ' ', t.column ? h('code', {}, t.column) : null, t.column ? ' ' : null,
    h('span', {}, t.label),
    String(t.severity).toLowerCase() === 'warn' ? h('span', { className: 'muted' }, ' (warn)') : null,
  )));
}

function relatives(docs, ids, empty) {
  return ids.length ? h('div', { className: 'chips' }, ids.map((id) => nodeLink(docs, id))) : h('p', { className: 'muted' }, empty);
}

/** Source / Compiled tabs; compiled SQL only exists after a compile, run or docs generate. */
function sqlCard(node) {
  const pre = h('pre', { className: 'sql' }, h('code', {}, node.rawCode));
  const tabs = [
    { label: 'Source', code: node.rawCode },
    { label: 'Compiled', code: node.compiledCode ?? '-- Not compiled yet: run `dango docs generate` or `dango compile`.' },
  ];
  const buttons = tabs.map((tab, i) => h('button', {
    type: 'button',
    className: 'tab',
    'aria-selected': String(i === 0),
    'data-tab': tab.label.toLowerCase(),
    onclick: (event) => {
      pre.firstChild.textContent = tab.code;
      for (const b of buttons) b.setAttribute('aria-selected', String(b === event.currentTarget));
    },
  }, tab.label));
  return section('SQL', h('div', { className: 'tabs', role: 'tablist' }, buttons), pre);
}

/** A node's page: description, columns, tests, neighbours, lineage and SQL. */
export function renderNode(docs, id) {
  const node = docs.nodes.get(id);
  if (!node) return h('div', { className: 'page' }, h('h1', {}, 'Not found'), h('p', {}, `No model, seed or source with id ${id}.`), h('a', { href: '#/' }, 'Back to the overview'));
  const meta = [
    h('span', { className: `badge type-${node.type}` }, TYPE_LABELS[node.type] || node.type),
    node.type === 'model' ? h('span', { className: 'badge' }, node.materialized) : null,
    h('code', { className: 'relation' }, node.relation),
    node.rowCount !== null ? h('span', { className: 'muted' }, `${Number(node.rowCount).toLocaleString('en-US')} rows`) : null,
    node.tags.length ? h('span', { className: 'muted' }, `tags: ${node.tags.join(', ')}`) : null,
  ];
  return h('div', { className: 'page node' },
    h('h1', {}, node.label),
    h('div', { className: 'meta' }, meta),
    node.path ? h('p', { className: 'path mono' }, node.path) : null,
    description(node.description),
    section('Columns', columnsTable(node)),
    section('Tests', testsList(node)),
    h('div', { className: 'two-col' },
      section('Depends on', relatives(docs, docs.parents.get(id) || [], 'Nothing: this is a starting point.')),
      section('Referenced by', relatives(docs, docs.children.get(id) || [], 'Nothing depends on this yet.')),
    ),
    lineageCard(docs, lineageOf(docs, id), id),
    node.type === 'source' ? null : sqlCard(node),
  );
}
