import { Environment } from '@huggingface/jinja';
import type { QueryHolder } from '../jinja/compile-queries';
import { createNodeEnv, type NodeHooks } from '../jinja/dbt-context';
import { mergeConfig } from '../project/config-tree';
import { adapterOf } from '../adapter/duckdb';
import { relationObject } from '../adapter/relation';
import { renderableObject, type RuntimeValue } from '../jinja/jinja-values';
import { createProjectEnv } from '../jinja/project-env';
import { compileTemplate, renderTemplate } from '../jinja/template';
import { genericTestSql } from '../execute/test-sql';
import type { BaseNode, ModelNode, SeedNode, SnapshotNode, TestNode } from './nodes';
import { versionedRef } from '../project/model-versions';
import { resolveRef, resolveSource } from './parse-project';
import type { ProjectGraph } from './project-graph';

/** Renders nodes to executable SQL with real relations (the compile phase). */
export interface Compiler {
  /** A model's (or snapshot's select) SQL with ephemeral parents inlined as CTEs. */
  model(node: ModelNode | SnapshotNode, isIncremental: boolean): string;
  /** A model's SQL with `ref`, `source`, `this`, `is_incremental` replaced (unit tests); `customize` may set more names. */
  modelWith(node: ModelNode, hooks: Pick<NodeHooks, 'ref' | 'source' | 'thisRelation' | 'isIncremental'>, customize?: (env: Environment) => void): string;
  /** A test's query (rows returned are failures). */
  test(node: TestNode): string;
  /** The model's, seed's or snapshot's `pre-hook` or `post-hook` statements, rendered. */
  hooks(node: ModelNode | SeedNode | SnapshotNode, which: 'pre-hook' | 'post-hook'): string[];
  /** The project's `on-run-start` or `on-run-end` statements, rendered with dbt's `schemas` (the schemas the run builds into). */
  projectHooks(which: 'on-run-start' | 'on-run-end', schemas: string[]): string[];
  /** Where `run_query` and introspection find the query session of the node being rendered. */
  queries: QueryHolder;
}

const cteName = (name: string) => `__dbt__cte__${name}`;
/** The scope variable a `ref()`/`source()` test argument is evaluated into. */
const TEST_ARG = '__dango_test_arg';
const LEADING_WITH = /^(\s*(?:--[^\n]*\n\s*|\/\*[\s\S]*?\*\/\s*)*)with\b/i;

/** `relation` as a Jinja value with dbt's attributes (`database`, `schema`, `identifier`, `name`). */
export function relationValue(node: BaseNode): RuntimeValue {
  const kind = node.unique_id.split('.')[0];
  const type = kind === 'model' ? (node.config.materialized === 'view' ? 'view' : 'table') : kind === 'source' ? null : 'table';
  return relationObject({ database: node.database, schema: node.schema, identifier: node.alias, type });
}

/** Puts the CTEs of the ephemeral models `sql` uses in front of it, merging with its own `with`. */
export function injectCtes(sql: string, ctes: [string, string][]): string {
  if (!ctes.length) return sql;
  const text = ctes.map(([name, body]) => `${cteName(name)} as (\n${body}\n)`).join(',\n');
  const m = LEADING_WITH.exec(sql);
  if (m) return `${m[1]}with ${text},${sql.slice(m[0].length)}`;
  return `with ${text}\n${sql}`;
}

/** A compiler over a parsed project, with its own execute-mode Jinja environment. */
export function createCompiler(graph: ProjectGraph): Compiler {
  const queries: QueryHolder = { session: null };
  const globals: Environment = createProjectEnv({ ...graph.ctx, execute: true, queries }, graph.files.macros, { packages: graph.files.packages, dispatch: graph.files.project.dispatch });
  const adapter = adapterOf(graph.ctx);
  const ephemeralSql = new Map<string, { sql: string; uses: string[] }>();

  // A node's environment; `uses` collects the ephemeral models it refs; a test's config() calls (fail_calc...) apply to it.
  const nodeEnv = (node: BaseNode & { raw_code: string }, uses: string[], isIncremental: boolean) =>
    createNodeEnv(globals, {
      ref: (name, _pkg, v) => {
        const target = resolveRef(graph.byName, new Map(), versionedRef(graph.ctx.modelVersions, name, v), node.original_file_path, node.raw_code);
        if (target.resource_type === 'model' && target.config.materialized === 'ephemeral') {
          uses.push(target.name);
          return relationObject({ identifier: cteName(target.name), schema: null, database: null, type: 'cte' });
        }
        return relationValue(target);
      },
      source: (s, t) => relationValue(resolveSource(graph.sources, s, t, node.original_file_path, node.raw_code)),
      config: (values) => void (node.unique_id.startsWith('test.') && mergeConfig(node.config, values)),
      configGet: (key) => node.config[key],
      isIncremental: () => isIncremental,
      thisRelation: relationValue(node),
      package: node.package_name === graph.projectName ? null : node.package_name,
      node: { name: node.name, unique_id: node.unique_id, resource_type: node.unique_id.split('.')[0], fqn: node.fqn, config: node.config },
    });

  // Renders one template; returns the SQL and the ephemeral models it referenced (in order).
  const render = (node: BaseNode & { raw_code: string }, template: ReturnType<typeof compileTemplate>, isIncremental: boolean) => {
    const uses: string[] = [];
    const env = nodeEnv(node, uses, isIncremental);
    // A trailing semicolon is harmless on its own but breaks every statement the SQL is wrapped in.
    return { sql: adapter.adaptSql(renderTemplate(template, env).trim().replace(/;+$/, '').trimEnd()), uses };
  };

  // A hook's statements: those its adapter calls add (`adapter.drop_relation`), then its own SQL.
  const withEffects = (renderHook: () => string): string[] => {
    queries.effects = [];
    try {
      const sql = renderHook();
      return [...queries.effects, sql].filter((s) => s.length > 0);
    } finally {
      queries.effects = null;
    }
  };

  const ephemeral = (name: string): { sql: string; uses: string[] } => {
    let e = ephemeralSql.get(name);
    if (!e) {
      const node = graph.byName.get(name) as ModelNode;
      e = render(node, node.template, false);
      ephemeralSql.set(name, e);
    }
    return e;
  };
  // Every ephemeral model reachable through `uses`, parents first.
  const ctesFor = (uses: string[]): [string, string][] => {
    const order: string[] = [];
    const visit = (n: string) => {
      if (order.includes(n)) return;
      for (const u of ephemeral(n).uses) visit(u);
      order.push(n);
    };
    uses.forEach(visit);
    return order.map((n) => [n, ephemeral(n).sql]);
  };

  return {
    queries,
    model(node, isIncremental) {
      const { sql, uses } = render(node, node.template, isIncremental);
      return injectCtes(sql, ctesFor(uses));
    },
    modelWith(node, hooks, customize) {
      const env = createNodeEnv(globals, {
        ...hooks, config: () => undefined, configGet: (key) => node.config[key], package: node.package_name === graph.projectName ? null : node.package_name,
        node: { name: node.name, unique_id: node.unique_id, resource_type: 'model', fqn: node.fqn, config: node.config },
      });
      customize?.(env);
      return renderTemplate(node.template, env).trim().replace(/;+$/, '').trimEnd();
    },
    hooks(node, which) {
      return node.config[which].flatMap((hook, i) => withEffects(() => render({ ...node, raw_code: hook }, compileTemplate(hook, `${node.original_file_path} (${which} ${i + 1})`), false).sql));
    },
    projectHooks(which, schemas) {
      const hooks = which === 'on-run-start' ? graph.files.project.onRunStart : graph.files.project.onRunEnd;
      const env = new Environment(globals);
      env.set('schemas', schemas);
      env.set('database_schemas', schemas.map((s) => [graph.ctx.target.database, s]));
      return hooks.flatMap((hook, i) => withEffects(() => renderTemplate(compileTemplate(hook, `dbt_project.yml (${which} ${i + 1})`), env).trim().replace(/;+$/, '')));
    },
    test(node) {
      if (node.kind === 'singular') {
        const { sql, uses } = render(node, node.template!, false);
        return injectCtes(sql, ctesFor(uses));
      }
      const attached = graph.nodes.get(node.attached_node!)!;
      const uses: string[] = [];
      const env = nodeEnv(node, uses, false);
      const kwargs: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node.kwargs)) {
        if (typeof v === 'string' && /^\s*(ref|source)\s*\(/.test(v)) {
          // The argument becomes the relation itself (not its text), as dbt passes it to the test macro.
          renderTemplate(compileTemplate(`{% set ${TEST_ARG} = ${v} %}`, node.original_file_path), env);
          kwargs[k] = env.lookupVariable(TEST_ARG);
        } else kwargs[k] = v;
      }
      const onEphemeral = attached.resource_type === 'model' && attached.config.materialized === 'ephemeral';
      if (onEphemeral) uses.push(attached.name);
      const model = onEphemeral ? cteName(attached.name) : attached.relation;
      const modelValue = onEphemeral ? relationObject({ identifier: cteName(attached.name), schema: null, database: null, type: 'cte' }) : relationValue(attached as SeedNode);
      return injectCtes(genericTestSql({ globals: env, test: node.test_name!, model, modelValue, column: node.column_name, kwargs, where: node.config.where as string | undefined }), ctesFor(uses));
    },
  };
}
