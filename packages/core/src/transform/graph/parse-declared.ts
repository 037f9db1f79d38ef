import path from 'node:path';
import type { Environment } from '@huggingface/jinja';
import { errorMessage } from '../../errors';
import type { GlobalContext } from '../jinja/dbt-context';
import { compileTemplate } from '../jinja/template';
import { TemplateError } from '../jinja/template-error';
import { defaultConfig } from '../project/config-tree';
import type { SqlFile } from '../project/load-project';
import type { DeclaredProps } from '../project/properties-yml';
import type { ModelNode } from './nodes';
import { renderForParse, resolveRef, resolveSource } from './parse-project';
import type { ProjectGraph } from './project-graph';

/** An analysis: SQL compiled like a model into target/compiled, never run. */
export interface AnalysisNode extends Omit<ModelNode, 'resource_type'> {
  resource_type: 'analysis';
}

/** An exposure, metric, semantic model or saved query, with the nodes it depends on. */
export interface DeclaredNode {
  unique_id: string;
  name: string;
  resource_type: DeclaredProps['kind'];
  file: string;
  depends_on: string[];
  refs: { name: string; package: string | null }[];
  sources: [string, string][];
  entry: Record<string, unknown>;
}

type Parsed = Pick<ProjectGraph, 'byName' | 'sources' | 'projectName'>;

/** The refs and sources of one `{{ ... }}` expression of a properties file, resolved to unique_ids (an unknown one names the file and the resource). */
function dependencies(graph: Parsed, globals: Environment, ctx: GlobalContext, expr: string, file: string, what: string): { ids: string[]; refs: DeclaredNode['refs']; sources: [string, string][] } {
  const template = compileTemplate(`{{ ${expr} }}`, file);
  const sqlFile: SqlFile = { abs: '', rel: file, root: '', package: null, source: expr, template };
  try {
    const cap = renderForParse(globals, ctx, sqlFile, defaultConfig('view'), { name: what });
    const ids = [
      ...cap.refs.map((r) => resolveRef(graph.byName, new Map(), r.name, file, expr).unique_id),
      ...cap.sources.map(([s, t]) => resolveSource(graph.sources, s, t, file, expr).unique_id),
    ];
    return { ids, refs: cap.refs, sources: cap.sources };
  } catch (err) {
    const problem = err instanceof TemplateError ? err.problem : errorMessage(err);
    throw new TemplateError(file, null, `${what}: ${problem}`);
  }
}

const names = (v: unknown): string[] => (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v])
  .map((x) => (x && typeof x === 'object' ? String((x as { name?: unknown }).name ?? '') : String(x))).filter(Boolean);

/** The analyses of the project, parsed like models (refs checked; a render error is kept on the node). */
export function parseAnalyses(graph: Parsed, globals: Environment, ctx: GlobalContext, files: SqlFile[]): AnalysisNode[] {
  return files.map((file) => {
    const name = path.posix.basename(file.rel, '.sql');
    const config = defaultConfig('view');
    const unique_id = `analysis.${graph.projectName}.${name}`;
    const node: AnalysisNode = {
      unique_id, name, package_name: graph.projectName, path: path.posix.relative(file.root, file.rel), original_file_path: file.rel,
      fqn: [graph.projectName, 'analysis', name], description: '', columns: [], config, depends_on: [], database: ctx.target.database,
      schema: ctx.target.schema, alias: name, relation: '', patch_path: null, resource_type: 'analysis', raw_code: file.source, template: file.template, refs: [], sources: [],
    };
    try {
      const cap = renderForParse(globals, ctx, file, config, { name, unique_id, resource_type: 'analysis' });
      node.refs = cap.refs;
      node.sources = cap.sources;
      node.depends_on = [
        ...cap.refs.map((r) => resolveRef(graph.byName, new Map(), r.name, file.rel, file.source).unique_id),
        ...cap.sources.map(([s, t]) => resolveSource(graph.sources, s, t, file.rel, file.source).unique_id),
      ];
    } catch (err) {
      node.parse_error = errorMessage(err);
    }
    return node;
  });
}

/**
 * Exposures (`depends_on`), semantic models (`model`), metrics (the semantic models of their
 * measures, or the metrics they combine) and saved queries (their metrics), with dbt's unique_ids.
 * A ref to a missing model, or an unknown metric, is a compilation error naming the file.
 */
export function parseDeclared(graph: Parsed, globals: Environment, ctx: GlobalContext, declared: DeclaredProps[]): DeclaredNode[] {
  const id = (kind: string, name: string) => `${kind}.${graph.projectName}.${name}`;
  const out = declared.map((d): DeclaredNode => ({ unique_id: id(d.kind, d.name), name: d.name, resource_type: d.kind, file: d.file, depends_on: [], refs: [], sources: [], entry: d.entry }));
  const measures = new Map<string, string>();
  const metrics = new Set(out.filter((n) => n.resource_type === 'metric').map((n) => n.name));
  for (const n of out) {
    const what = `${n.resource_type.replace('_', ' ')} '${n.name}'`;
    const add = (expr: string) => {
      const deps = dependencies(graph, globals, ctx, expr, n.file, what);
      n.depends_on.push(...deps.ids);
      n.refs.push(...deps.refs);
      n.sources.push(...deps.sources);
    };
    if (n.resource_type === 'exposure') for (const expr of names(n.entry.depends_on)) add(expr);
    if (n.resource_type === 'semantic_model') {
      if (typeof n.entry.model === 'string') add(n.entry.model);
      for (const m of names(n.entry.measures)) measures.set(m, n.unique_id);
    }
  }
  const metricIds = (list: string[], n: DeclaredNode) => list.map((m) => {
    if (!metrics.has(m)) throw new TemplateError(n.file, null, `${n.resource_type.replace('_', ' ')} '${n.name}' uses the metric '${m}', which no properties file defines`);
    return id('metric', m);
  });
  for (const n of out) {
    const params = (n.entry.type_params ?? n.entry.query_params ?? {}) as Record<string, unknown>;
    if (n.resource_type === 'metric') {
      for (const m of names(params.measure)) if (measures.has(m)) n.depends_on.push(measures.get(m)!);
      n.depends_on.push(...metricIds([...names(params.numerator), ...names(params.denominator), ...names(params.metrics)], n));
    }
    if (n.resource_type === 'saved_query') n.depends_on.push(...metricIds(names(params.metrics), n));
    n.depends_on = [...new Set(n.depends_on)];
  }
  return out;
}
