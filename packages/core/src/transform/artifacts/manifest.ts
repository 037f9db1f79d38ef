import { createHash } from 'node:crypto';
import path from 'node:path';
import type { ColumnProps } from '../project/properties-yml';
import type { BaseNode, GraphNode, SourceNode } from '../graph/nodes';
import type { DeclaredNode } from '../graph/parse-declared';
import type { ProjectGraph } from '../graph/project-graph';
import { artifactMetadata } from './artifact-metadata';
import { snapshotManifestFields } from '../snapshots/snapshot-manifest';
import { unitTestManifestEntry } from '../unit-tests/unit-test-manifest';

const sha = (s: string) => ({ name: 'sha256', checksum: createHash('sha256').update(s).digest('hex') });

function columns(list: ColumnProps[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of list) {
    out[c.name] = { name: c.name, description: c.description, meta: c.meta, data_type: c.data_type, constraints: [], quote: null, tags: c.tags, granularity: null };
  }
  return out;
}

function common(n: BaseNode, createdAt: number): Record<string, unknown> {
  const { tags, meta, ...config } = n.config;
  return {
    database: n.database, schema: n.schema, name: n.name, package_name: n.package_name, path: n.path, original_file_path: n.original_file_path,
    unique_id: n.unique_id, fqn: n.fqn, alias: n.alias, description: n.description, columns: columns(n.columns), meta, tags,
    config: { ...config, tags, meta, docs: { show: true, node_color: null } }, group: null, docs: { show: true, node_color: null },
    patch_path: n.patch_path, build_path: null, unrendered_config: {}, created_at: createdAt,
  };
}

function nodeEntry(graph: ProjectGraph, n: GraphNode, compiled: Map<string, string>, createdAt: number): Record<string, unknown> {
  const sql = compiled.get(n.unique_id);
  const compiledPath = sql === undefined ? null : path.posix.join(graph.targetPath, 'compiled', graph.projectName, n.original_file_path);
  const compiledFields = { compiled_path: compiledPath, compiled: sql !== undefined, compiled_code: sql ?? null, extra_ctes_injected: sql !== undefined, extra_ctes: [] };
  const depends = { macros: [] as string[], nodes: n.depends_on };
  switch (n.resource_type) {
    case 'model':
      return {
        ...common(n, createdAt), resource_type: 'model', checksum: sha(n.raw_code), relation_name: n.config.materialized === 'ephemeral' ? null : n.relation,
        raw_code: n.raw_code, language: 'sql', refs: n.refs.map((r) => ({ name: r.name, package: r.package, version: null })), sources: n.sources,
        metrics: [], depends_on: depends, ...compiledFields, contract: { enforced: false, alias_types: true, checksum: null }, access: 'protected',
        constraints: [], version: n.version ?? null, latest_version: n.latest_version ?? null, deprecation_date: null,
      };
    case 'seed':
      return { ...common(n, createdAt), resource_type: 'seed', checksum: sha(n.csvPath), relation_name: n.relation, raw_code: '', root_path: graph.dbtDir, depends_on: { macros: [] } };
    case 'test':
      return {
        ...common(n, createdAt), resource_type: 'test', checksum: sha(n.raw_code || n.name), relation_name: null, raw_code: n.raw_code || testRawCode(n.test_name, n.kwargs),
        language: 'sql', refs: [], sources: [], metrics: [], depends_on: depends, ...compiledFields, contract: { enforced: false, alias_types: true, checksum: null },
        column_name: n.column_name, attached_node: n.attached_node,
        ...(n.kind === 'generic' ? { test_metadata: { name: n.test_name, kwargs: { ...n.kwargs, ...(n.column_name ? { column_name: n.column_name } : {}) }, namespace: null }, file_key_name: fileKeyName(graph, n.attached_node) } : {}),
      };
    case 'source':
      return sourceEntry(n, createdAt);
    case 'snapshot':
      return { ...common(n, createdAt), ...snapshotManifestFields(n, sql), compiled_path: compiledFields.compiled_path };
    case 'unit_test':
      return unitTestManifestEntry(n, createdAt);
  }
}

function testRawCode(test: string | null, kwargs: Record<string, unknown>): string {
  const hasModel = 'model' in kwargs;
  return `{{ test_${test}(${hasModel ? '' : '**_dbt_generic_test_kwargs'}) }}`;
}

function fileKeyName(graph: ProjectGraph, attached: string | null): string | null {
  const n = attached ? graph.nodes.get(attached) : undefined;
  if (!n) return null;
  return n.resource_type === 'source' ? `sources.${n.source_name}` : `${n.resource_type}s.${n.name}`;
}

/** dbt's `freshness` shape: both thresholds always present (`count`/`period` null when unset). */
function freshnessEntry(f: Record<string, unknown> | null): Record<string, unknown> {
  const after = (v: unknown) => {
    const o = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
    return { count: o.count ?? null, period: o.period ?? null };
  };
  return { warn_after: after(f?.warn_after), error_after: after(f?.error_after), filter: f?.filter ?? null };
}

function sourceEntry(n: SourceNode, createdAt: number): Record<string, unknown> {
  return {
    database: n.database, schema: n.schema, name: n.name, resource_type: 'source', package_name: n.package_name, path: n.path,
    original_file_path: n.original_file_path, unique_id: n.unique_id, fqn: n.fqn, source_name: n.source_name, source_description: n.source_description,
    loader: n.loader, identifier: n.identifier, quoting: { database: null, schema: null, identifier: null, column: null }, loaded_at_field: n.loaded_at_field,
    freshness: freshnessEntry(n.freshness), external: null,
    description: n.description, columns: columns(n.columns), meta: {}, source_meta: {}, tags: [], config: { enabled: true }, patch_path: null,
    unrendered_config: {}, relation_name: n.relation, created_at: createdAt,
  };
}

/** dbt's `manifest.json` (schema v12) for a parsed project; `compiled` adds the SQL of nodes compiled in this invocation. */
export function buildManifest(graph: ProjectGraph, compiled: Map<string, string>, invocationId: string, generatedAt: string): Record<string, unknown> {
  const createdAt = Date.now() / 1000;
  const nodes: Record<string, unknown> = {};
  const sources: Record<string, unknown> = {};
  const unitTests: Record<string, unknown> = {};
  for (const id of [...graph.nodes.keys()].sort()) {
    const n = graph.nodes.get(id)!;
    (n.resource_type === 'source' ? sources : n.resource_type === 'unit_test' ? unitTests : nodes)[id] = nodeEntry(graph, n, compiled, createdAt);
  }
  for (const a of graph.analyses) {
    nodes[a.unique_id] = { ...nodeEntry(graph, { ...a, resource_type: 'model' } as GraphNode, compiled, createdAt), resource_type: 'analysis', relation_name: null };
  }
  const declared = declaredEntries(graph, createdAt);
  const docs: Record<string, unknown> = {};
  for (const [name, text] of graph.files.docs) {
    const id = `doc.${graph.projectName}.${name}`;
    docs[id] = { name, resource_type: 'doc', package_name: graph.projectName, path: '', original_file_path: '', unique_id: id, block_contents: text };
  }
  const toObj = (m: Map<string, string[]>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : 1)));
  return {
    metadata: {
      ...artifactMetadata('manifest/v12', invocationId, generatedAt), project_name: graph.projectName,
      project_id: createHash('md5').update(graph.projectName).digest('hex'), user_id: null, send_anonymous_usage_stats: false, adapter_type: 'duckdb',
    },
    nodes, sources, macros: {}, docs, exposures: declared.exposure, metrics: declared.metric, groups: {}, selectors: {}, disabled: {},
    parent_map: toObj(withDeclared(graph, 'parents')), child_map: toObj(withDeclared(graph, 'children')), group_map: {},
    saved_queries: declared.saved_query, semantic_models: declared.semantic_model, unit_tests: unitTests,
  };
}

/** Exposures, metrics, semantic models and saved queries as manifest entries, by kind. */
function declaredEntries(graph: ProjectGraph, createdAt: number): Record<DeclaredNode['resource_type'], Record<string, unknown>> {
  const out = { exposure: {}, metric: {}, semantic_model: {}, saved_query: {} } as Record<DeclaredNode['resource_type'], Record<string, unknown>>;
  for (const n of graph.declared) {
    const path = n.file.split('/').slice(1).join('/') || n.file;
    out[n.resource_type][n.unique_id] = {
      description: '', label: null, meta: {}, tags: [], config: { enabled: true, meta: {} }, ...n.entry,
      name: n.name, resource_type: n.resource_type, package_name: graph.projectName, path, original_file_path: n.file, unique_id: n.unique_id,
      fqn: [graph.projectName, n.name], refs: n.refs.map((r) => ({ name: r.name, package: r.package, version: null })), sources: n.sources, metrics: [],
      depends_on: { macros: [], nodes: n.depends_on }, created_at: createdAt,
    };
  }
  return out;
}

/** The graph's parent or child map with the declared resources and analyses added (dbt lists them there). */
function withDeclared(graph: ProjectGraph, which: 'parents' | 'children'): Map<string, string[]> {
  const map = new Map([...(which === 'parents' ? graph.parentMap : graph.childMap)].map(([k, v]) => [k, [...v]]));
  for (const n of [...graph.declared, ...graph.analyses]) {
    if (which === 'parents') map.set(n.unique_id, [...n.depends_on].sort());
    else {
      map.set(n.unique_id, map.get(n.unique_id) ?? []);
      for (const p of n.depends_on) map.set(p, [...(map.get(p) ?? []), n.unique_id].sort());
    }
  }
  return map;
}
