// Turns dbt's manifest.json and catalog.json into the shape the pages need.

const GRAPH_TYPES = new Set(['model', 'seed', 'snapshot', 'source']);

/** Fetches the artifacts relative to the page, so the site works under any mount prefix; catalog is optional. */
export async function loadArtifacts() {
  const manifestRes = await fetch('manifest.json', { cache: 'no-cache' });
  if (manifestRes.status === 404) return null;
  if (!manifestRes.ok) throw new Error(`manifest.json: HTTP ${manifestRes.status}`);
  const manifest = await manifestRes.json();
  const catalogRes = await fetch('catalog.json', { cache: 'no-cache' });
  const catalog = catalogRes.ok ? await catalogRes.json() : null;
  return { manifest, catalog };
}

function dirname(p) {
  const i = (p || '').lastIndexOf('/');
  return i > 0 ? p.slice(0, i) : p || '';
}

function catalogColumns(entry) {
  const byName = new Map();
  for (const col of Object.values(entry?.columns || {})) byName.set(String(col.name).toLowerCase(), col);
  return byName;
}

/** Columns from the manifest (descriptions) merged with the catalog (types, warehouse order). */
function mergeColumns(node, catalogEntry) {
  const fromCatalog = catalogColumns(catalogEntry);
  const documented = new Map(Object.values(node.columns || {}).map((c) => [String(c.name).toLowerCase(), c]));
  const names = [
    ...[...fromCatalog.values()].sort((a, b) => (a.index ?? 0) - (b.index ?? 0)).map((c) => String(c.name)),
    ...[...documented.values()].map((c) => String(c.name)).filter((n) => !fromCatalog.has(n.toLowerCase())),
  ];
  return names.map((name) => {
    const doc = documented.get(name.toLowerCase());
    const cat = fromCatalog.get(name.toLowerCase());
    return { name, type: cat?.type || doc?.data_type || '', description: doc?.description || '', tests: [] };
  });
}

function rowCount(catalogEntry) {
  const stat = catalogEntry?.stats?.row_count;
  return stat && stat.include !== false && stat.value !== undefined ? stat.value : null;
}

function toNode(id, raw, catalogEntry) {
  const isSource = raw.resource_type === 'source';
  const relation = [raw.database, raw.schema, raw.alias || raw.identifier || raw.name].filter(Boolean).join('.');
  return {
    id,
    type: raw.resource_type,
    name: raw.name,
    label: isSource ? `${raw.source_name}.${raw.name}` : raw.name,
    description: raw.description || (isSource ? raw.source_description || '' : ''),
    database: raw.database || '',
    schema: raw.schema || '',
    relation,
    path: raw.original_file_path || raw.path || '',
    folder: isSource ? `sources/${raw.source_name}` : dirname(raw.original_file_path || raw.path || ''),
    materialized: raw.config?.materialized || (isSource ? 'source' : raw.resource_type),
    tags: raw.tags || raw.config?.tags || [],
    rawCode: raw.raw_code ?? raw.raw_sql ?? '',
    compiledCode: raw.compiled_code ?? raw.compiled_sql ?? null,
    columns: mergeColumns(raw, catalogEntry),
    rowCount: rowCount(catalogEntry),
    tests: [],
  };
}

function describeTest(raw) {
  const meta = raw.test_metadata;
  if (!meta) return { kind: 'singular', label: raw.name };
  const kw = meta.kwargs || {};
  if (meta.name === 'accepted_values' && Array.isArray(kw.values)) return { kind: meta.name, label: `accepted_values: ${kw.values.join(', ')}` };
  if (meta.name === 'relationships') {
    const to = String(kw.to || '').replace(/^.*ref\(['"]([^'"]+)['"]\).*$/, '$1');
    return { kind: meta.name, label: `relationships → ${to}.${kw.field || ''}` };
  }
  return { kind: meta.name, label: meta.name };
}

/** Attaches each test to the node it checks (and its column), so node pages can list them. */
function attachTests(nodes, manifest) {
  const tests = [];
  for (const [id, raw] of Object.entries(manifest.nodes || {})) {
    if (raw.resource_type !== 'test') continue;
    const { kind, label } = describeTest(raw);
    const column = raw.column_name || raw.test_metadata?.kwargs?.column_name || null;
    const targets = raw.attached_node ? [raw.attached_node] : (raw.depends_on?.nodes || []);
    const test = { id, name: raw.name, kind, label, column, severity: raw.config?.severity || 'ERROR' };
    tests.push(test);
    for (const target of targets) {
      const node = nodes.get(target);
      if (!node) continue;
      node.tests.push(test);
      const col = column && node.columns.find((c) => c.name.toLowerCase() === String(column).toLowerCase());
      if (col) col.tests.push(test);
    }
  }
  return tests;
}

/** parent_map/child_map restricted to graph nodes; built from depends_on when the maps are absent. */
function edges(nodes, manifest) {
  const parents = new Map([...nodes.keys()].map((id) => [id, []]));
  const children = new Map([...nodes.keys()].map((id) => [id, []]));
  const parentMap = manifest.parent_map || Object.fromEntries(
    Object.entries(manifest.nodes || {}).map(([id, n]) => [id, n.depends_on?.nodes || []]),
  );
  for (const [child, ps] of Object.entries(parentMap)) {
    if (!nodes.has(child)) continue;
    for (const parent of new Set(ps)) {
      if (!nodes.has(parent)) continue;
      parents.get(child).push(parent);
      children.get(parent).push(child);
    }
  }
  return { parents, children };
}

/** The docs model: nodes by id, lineage edges, tests and project metadata. */
export function buildDocs(manifest, catalog) {
  const nodes = new Map();
  const catalogFor = (id, isSource) => (isSource ? catalog?.sources : catalog?.nodes)?.[id];
  for (const [id, raw] of Object.entries(manifest.nodes || {})) {
    if (GRAPH_TYPES.has(raw.resource_type)) nodes.set(id, toNode(id, raw, catalogFor(id, false)));
  }
  for (const [id, raw] of Object.entries(manifest.sources || {})) nodes.set(id, toNode(id, { ...raw, resource_type: 'source' }, catalogFor(id, true)));
  const tests = attachTests(nodes, manifest);
  const { parents, children } = edges(nodes, manifest);
  return {
    project: manifest.metadata?.project_name || Object.values(manifest.nodes || {})[0]?.package_name || 'dbt project',
    generatedAt: manifest.metadata?.generated_at || null,
    dbtVersion: manifest.metadata?.dbt_version || null,
    hasCatalog: Boolean(catalog),
    nodes,
    tests,
    parents,
    children,
  };
}

/** Ids of every node upstream and downstream of `id`, and `id` itself. */
export function lineageOf(docs, id) {
  const seen = new Set([id]);
  for (const map of [docs.parents, docs.children]) {
    const stack = [id];
    while (stack.length) {
      for (const next of map.get(stack.pop()) || []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
  }
  return seen;
}

/** True when the node's name, description or a column name contains `query`. */
export function matches(node, query) {
  if (!query) return true;
  const q = query.toLowerCase();
  return node.label.toLowerCase().includes(q) || node.description.toLowerCase().includes(q) || node.columns.some((c) => c.name.toLowerCase().includes(q));
}
