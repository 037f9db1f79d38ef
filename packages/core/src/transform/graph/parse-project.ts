import type { Environment } from '@huggingface/jinja';
import path from 'node:path';
import { DangoError, errorMessage } from '../../errors';
import { createNodeEnv, type GlobalContext } from '../jinja/dbt-context';
import { relationObject } from '../adapter/relation';
import type { RuntimeValue } from '../jinja/jinja-values';
import { callMacro, createProjectEnv, hasMacro } from '../jinja/project-env';
import { renderYamlValue } from '../jinja/render-yaml';
import { compileTemplate, renderTemplate } from '../jinja/template';
import { lineMatching, lineOf, TemplateError } from '../jinja/template-error';
import { applyConfigTree, defaultConfig, mergeConfig, type NodeConfig } from '../project/config-tree';
import type { ProjectFiles, SqlFile } from '../project/load-project';
import type { ColumnProps, NodeProps } from '../project/properties-yml';
import { expandVersions, versionedRef, type VersionIndex } from '../project/model-versions';
import { buildMaps, topoOrder } from './dag';
import { relationSql, type GraphNode, type ModelNode, type RefableNode, type SourceNode } from './nodes';
import { applySnapshotTarget, parseSnapshots } from '../snapshots/parse-snapshots';
import { parseUnitTests } from '../unit-tests/parse-unit-tests';
import { parseAnalyses, parseDeclared } from './parse-declared';
import { parseTests } from './parse-tests';
import type { ProjectGraph } from './project-graph';

/** Captured `ref`/`source` calls of one template render. */
export interface Captured {
  refs: { name: string; package: string | null }[];
  sources: [string, string][];
}

function placeholder(ctx: GlobalContext, schema: string, name: string): RuntimeValue {
  return relationObject({ database: ctx.target.database, schema, identifier: name });
}

/** Renders a template in parse mode: `ref`/`source` are recorded and `config()` merges into `config`. */
export function renderForParse(globals: Environment, ctx: GlobalContext, file: SqlFile, config: NodeConfig, node: Record<string, unknown>): Captured {
  const captured: Captured = { refs: [], sources: [] };
  const env = createNodeEnv(globals, {
    ref: (name, pkg, v) => {
      const target = versionedRef(ctx.modelVersions, name, v);
      captured.refs.push({ name: target, package: pkg ?? null });
      return placeholder(ctx, ctx.target.schema, target);
    },
    source: (s, t) => (captured.sources.push([s, t]), placeholder(ctx, s, t)),
    config: (values) => void mergeConfig(config, values),
    configGet: (key) => config[key],
    isIncremental: () => false,
    thisRelation: placeholder(ctx, ctx.target.schema, String(node.name)),
    node,
    package: file.package,
  });
  renderTemplate(file.template, env);
  return captured;
}

/** Renders `{{ doc('x') }}` and other Jinja in a description. */
export function renderDescription(globals: Environment, text: string, file: string): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  return renderTemplate(compileTemplate(text, file), globals).trim();
}

function describedColumns(globals: Environment, props: NodeProps | undefined): ColumnProps[] {
  return (props?.columns ?? []).map((c) => ({ ...c, description: renderDescription(globals, c.description, props!.file) }));
}

function fqnOf(projectName: string, rel: string, root: string, name: string): string[] {
  const inner = path.posix.relative(root, path.posix.dirname(rel));
  return [projectName, ...(inner && inner !== '.' ? inner.split('/') : []), name];
}

/** Config keys whose Jinja renders later, per node (`{{ this }}` in hooks). */
const HOOK_KEYS = new Set(['pre-hook', 'post-hook', 'pre_hook', 'post_hook']);

/**
 * Builds the project graph: every model rendered once in parse mode (to learn its refs, sources and
 * config), schemas resolved through `generate_schema_name`, refs checked, tests attached, cycles refused.
 */
export function parseProject(loaded: ProjectFiles, globalCtx: GlobalContext): ProjectGraph {
  // Each version of a versioned model is its own node (`x_v2`), described by the model's and the version's properties.
  const expanded = expandVersions(loaded.properties.models);
  const files: ProjectFiles = expanded.versions.size ? { ...loaded, properties: { ...loaded.properties, models: expanded.models } } : loaded;
  const ctx: GlobalContext = expanded.versions.size ? { ...globalCtx, modelVersions: expanded.versions } : globalCtx;
  const projectName = files.project.name;
  const globals = createProjectEnv(ctx, files.macros, { packages: files.packages, dispatch: files.project.dispatch });
  // dbt renders Jinja in dbt_project.yml configs (not hooks, which render per node) and in node configs of properties files.
  const tree = (value: unknown) => renderYamlValue(value, globals, 'dbt_project.yml', HOOK_KEYS);
  const [modelTree, seedTree] = [tree(files.project.models), tree(files.project.seeds)];
  // A package's own dbt_project.yml configures its nodes first; the project's configs win over them.
  const packageTrees = new Map(files.packages.map((p) => [p.name, { models: tree(p.project.models), seeds: tree(p.project.seeds) }]));
  const configFor = (kind: 'models' | 'seeds', pkg: string | null, fqn: string[]) => {
    const config = defaultConfig(kind === 'models' ? 'view' : 'seed');
    if (pkg) applyConfigTree(config, packageTrees.get(pkg)?.[kind], fqn);
    return applyConfigTree(config, kind === 'models' ? modelTree : seedTree, fqn);
  };
  const ymlConfig = (props: NodeProps | undefined) => (props ? (renderYamlValue(props.config, globals, props.file, HOOK_KEYS) as Record<string, unknown>) : {});
  const nodes = new Map<string, GraphNode>();
  const byName = new Map<string, RefableNode>();
  // Names a ref cannot resolve to, with the reason (dbt would know them, Dango does not build them).
  const unavailable = new Map<string, string>(files.unsupported.map((u) => [
    u.name, `refers to the ${u.kind} '${u.name}' (${u.file}): ${u.kind}s are not supported by Dango's embedded dbt engine (use platform.transform_engine: dbt)`,
  ]));
  const base = (rel: string, root: string, name: string, config: NodeConfig, props: NodeProps | undefined, kind: string, pkg: string) => ({
    unique_id: `${kind}.${pkg}.${name}`, name, package_name: pkg, path: path.posix.relative(root, rel), original_file_path: rel,
    fqn: fqnOf(pkg, rel, root, name), description: renderDescription(globals, props?.description ?? '', props?.file ?? rel),
    columns: describedColumns(globals, props), config, depends_on: [] as string[], database: ctx.target.database, schema: '', alias: '', relation: '',
    patch_path: props ? `${projectName}://${props.file}` : null,
  });
  const claim = (node: RefableNode) => {
    const other = byName.get(node.name);
    if (other) throw new DangoError('CONFIG_INVALID', `Two resources are named '${node.name}': ${other.original_file_path} and ${node.original_file_path}`);
    byName.set(node.name, node);
  };

  for (const file of files.models) {
    const fileName = path.posix.basename(file.rel, '.sql');
    const name = (file.package === null ? expanded.files.get(fileName) : undefined) ?? fileName;
    const props = files.properties.models.get(name);
    const pkg = file.package ?? projectName;
    const config = configFor('models', file.package, fqnOf(pkg, file.rel, file.root, name));
    mergeConfig(config, ymlConfig(props));
    const node: ModelNode = { ...base(file.rel, file.root, name, config, props, 'model', pkg), resource_type: 'model', raw_code: file.source, template: file.template, refs: [], sources: [] };
    if (props?.version) Object.assign(node, versionFields(pkg, props.version, expanded.versions));
    let captured: Captured;
    try {
      captured = renderForParse(globals, ctx, file, config, { name, unique_id: node.unique_id, resource_type: 'model', fqn: node.fqn, package_name: pkg });
    } catch (err) {
      // dbt stops at any parse error; Dango keeps the rest of the project runnable and fails this model when it is selected.
      node.parse_error = errorMessage(err);
      captured = literalCalls(file.source);
    }
    node.refs = captured.refs;
    node.sources = captured.sources;
    if (config.enabled === false) unavailable.set(name, `refers to the disabled model '${name}'`);
    else claim(node);
  }
  for (const seed of files.seeds) {
    const name = path.posix.basename(seed.rel, '.csv');
    const props = files.properties.seeds.get(name);
    const pkg = seed.package ?? projectName;
    const config = configFor('seeds', seed.package, fqnOf(pkg, seed.rel, seed.root, name));
    mergeConfig(config, ymlConfig(props));
    if (config.enabled === false) continue;
    claim({ ...base(seed.rel, seed.root, name, config, props, 'seed', pkg), resource_type: 'seed', csvPath: seed.abs, raw_code: '' });
  }
  for (const snapshot of parseSnapshots(files, { globals, ctx, base, tree, ymlConfig })) claim(snapshot);
  for (const node of byName.values()) {
    const custom = (node.config.schema as string | null) ?? null;
    const info = { name: node.name, resource_type: node.resource_type, fqn: node.fqn, unique_id: node.unique_id, config: node.config };
    node.schema = hasMacro(globals, 'generate_schema_name') ? callMacro(globals, 'generate_schema_name', [custom, info]).trim() : (custom ?? ctx.target.schema);
    if (!node.schema) throw new DangoError('CONFIG_INVALID', `generate_schema_name returned an empty schema for ${node.name}`);
    const customAlias = (node.config.alias as string | null) ?? null;
    // A project's own generate_alias_name macro names relations, as in dbt.
    node.alias = hasMacro(globals, 'generate_alias_name') ? callMacro(globals, 'generate_alias_name', [customAlias, info]).trim() : (customAlias ?? node.name);
    if (!node.alias) throw new DangoError('CONFIG_INVALID', `generate_alias_name returned an empty name for ${node.name}`);
    node.relation = relationSql(node.schema, node.alias);
    if (node.resource_type === 'snapshot') applySnapshotTarget(node, ctx.target.database);
    nodes.set(node.unique_id, node);
  }
  const sources = new Map<string, SourceNode>();
  for (const src of files.properties.sources) {
    for (const t of src.tables) {
      const id = `source.${projectName}.${src.name}.${t.name}`;
      const yamlText = (v: string | null) => (v === null ? null : String(renderYamlValue(v, globals, src.file)));
      const schema = yamlText(src.schema) ?? src.name;
      const identifier = yamlText(t.identifier) ?? t.name;
      const node: SourceNode = {
        unique_id: id, name: t.name, package_name: projectName, path: src.file, original_file_path: src.file, fqn: [projectName, src.name, t.name],
        description: renderDescription(globals, t.description, src.file), columns: describedColumns(globals, { ...t, config: {} }), config: { ...defaultConfig('source') },
        depends_on: [], database: yamlText(src.database) ?? ctx.target.database, schema, alias: identifier, relation: relationSql(schema, identifier), patch_path: null,
        resource_type: 'source', source_name: src.name, identifier, source_description: renderDescription(globals, src.description, src.file),
        loader: src.loader, loaded_at_field: t.loaded_at_field, freshness: t.freshness,
      };
      sources.set(`${src.name}.${t.name}`, node);
      nodes.set(id, node);
    }
  }
  for (const node of byName.values()) {
    if (node.resource_type === 'seed') continue;
    const parseError = node.resource_type === 'model' && node.parse_error;
    // A model that failed to render keeps the parents its literal calls name, so its place in the graph (and its children's) stays.
    const refs = parseError ? node.refs.filter((r) => byName.has(r.name)) : node.refs;
    const srcs = parseError ? node.sources.filter(([s, t]) => sources.has(`${s}.${t}`)) : node.sources;
    node.depends_on = [...new Set([
      ...refs.map((r) => resolveRef(byName, unavailable, r.name, node.original_file_path, node.raw_code).unique_id),
      ...srcs.map(([s, t]) => resolveSource(sources, s, t, node.original_file_path, node.raw_code).unique_id),
    ])];
  }
  const graph: ProjectGraph = {
    projectName, dbtDir: files.dbtDir, targetPath: files.project.targetPath, nodes, byName, sources, files, ctx,
    parentMap: new Map(), childMap: new Map(), order: [], analyses: [], declared: [],
  };
  graph.analyses = parseAnalyses(graph, globals, ctx, files.analyses);
  graph.declared = parseDeclared(graph, globals, ctx, files.properties.declared);
  for (const test of [...parseTests(graph, globals), ...parseUnitTests(graph)]) nodes.set(test.unique_id, test);
  const maps = buildMaps(nodes.values());
  graph.parentMap = maps.parentMap;
  graph.childMap = maps.childMap;
  graph.order = topoOrder(maps.parentMap, (id) => nodes.get(id)?.name ?? id);
  return graph;
}

const LITERAL_CALL = /\b(ref|source)\s*\(\s*((?:['"][^'"]*['"]\s*,?\s*)+)\)/g;

/** The `ref('x')` / `source('s', 't')` calls written with literal arguments, for a model whose Jinja did not render. */
function literalCalls(code: string): Captured {
  const out: Captured = { refs: [], sources: [] };
  for (const m of code.matchAll(LITERAL_CALL)) {
    const args = [...m[2]!.matchAll(/['"]([^'"]*)['"]/g)].map((a) => a[1]!);
    if (m[1] === 'ref') out.refs.push({ name: args[args.length - 1]!, package: args.length > 1 ? args[0]! : null });
    else if (args.length === 2) out.sources.push([args[0]!, args[1]!]);
  }
  return out;
}

/** dbt's fields of one version of a model: `model.p.x.v2`, `version`, `latest_version`. */
function versionFields(pkg: string, version: { of: string; v: string }, versions: Map<string, VersionIndex>): Partial<ModelNode> {
  return { unique_id: `model.${pkg}.${version.of}.v${version.v}`, version: version.v, latest_version: versions.get(version.of)?.latest ?? null, version_of: version.of };
}

// A call such as ref('x') or source('s', 'x') whose last quoted argument is `name`.
function callRe(fn: string, name: string): RegExp {
  return new RegExp(`\\b${fn}\\s*\\([^)]*['"]${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}['"]\\s*\\)`);
}

/** The model or seed a `ref` names; an unknown one (or one in `unavailable`, with its reason) names the referencing file and line. */
export function resolveRef(byName: Map<string, RefableNode>, unavailable: Map<string, string>, name: string, file: string, source: string): RefableNode {
  const target = byName.get(name);
  if (target) return target;
  const why = unavailable.get(name) ?? `refers to '${name}', which is not a model or seed of this project`;
  throw new TemplateError(file, lineMatching(source, callRe('ref', name)) ?? lineOf(source, name), `ref('${name}') ${why}`);
}

/** The source table a `source()` call names; an unknown one names the referencing file and line. */
export function resolveSource(sources: Map<string, SourceNode>, s: string, t: string, file: string, source: string): SourceNode {
  const node = sources.get(`${s}.${t}`);
  if (node) return node;
  throw new TemplateError(file, lineMatching(source, callRe('source', t)) ?? lineOf(source, t), `source('${s}', '${t}') is not declared in any sources: block of a properties file`);
}
