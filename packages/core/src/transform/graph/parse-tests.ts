import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Environment } from '@huggingface/jinja';
import { findTestMacro, namespacesOf } from '../jinja/macro-namespaces';
import { compileTemplate } from '../jinja/template';
import { TemplateError } from '../jinja/template-error';
import { applyConfigTree, defaultConfig, mergeConfig } from '../project/config-tree';
import type { SqlFile } from '../project/load-project';
import type { TestSpec } from '../project/properties-yml';
import type { BaseNode, TestNode } from './nodes';
import { renderYamlValue } from '../jinja/render-yaml';
import { renderForParse, resolveRef, resolveSource } from './parse-project';
import type { ProjectGraph } from './project-graph';

/** Generic tests implemented by the engine itself (others must be `{% test %}` macros). */
export const BUILTIN_TESTS = new Set(['unique', 'not_null', 'accepted_values', 'relationships']);

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

/** Python's `str()` of a YAML scalar, as dbt's name synthesis writes it (`quote: false` gives `False`). */
const pyStr = (v: unknown): string => (v === true ? 'True' : v === false ? 'False' : v === null || v === undefined ? 'None' : String(v));

function flatArgs(kwargs: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const key of Object.keys(kwargs).sort()) {
    const v = kwargs[key];
    if (Array.isArray(v)) out.push(...v.map(pyStr));
    else if (v && typeof v === 'object') out.push(...Object.values(v).map(pyStr));
    else out.push(pyStr(v));
  }
  return out;
}

/** dbt's synthesized generic test name (e.g. `accepted_values_orders_status__placed__shipped`) and its alias, shortened like dbt's when long. */
export function genericTestName(test: string, target: string, column: string | null, kwargs: Record<string, unknown>, onSource = false): { name: string; alias: string } {
  const args = flatArgs(kwargs).map((a) => a.replace(/[^0-9a-zA-Z_]+/g, '_')).join('__');
  const prefix = `${onSource ? 'source_' : ''}${test}_${target}`;
  // dbt joins the column and the arguments with `__` after `<test>_<target>_`.
  const rest = [...(column ? [column] : []), ...(args ? [args] : [])].join('__');
  const name = rest ? `${prefix}_${rest}` : prefix;
  return { name, alias: name.length >= 64 ? `${prefix.slice(0, 30)}_${md5(name)}` : name };
}

const isJinjaArg = (v: unknown): v is string => typeof v === 'string' && /^\s*(ref|source)\s*\(/.test(v);

/** Every data test of the project: generic ones from properties files, singular ones from `tests/`. */
export function parseTests(graph: ProjectGraph, globals: Environment): TestNode[] {
  const { projectName, files, ctx } = graph;
  const out: TestNode[] = [];
  const usedIds = new Set<string>();
  // Jinja in test configs (`where: "d > '{{ var('start') }}'"`, `severity: "{{ ... }}"`) renders as dbt's does.
  const testTree = renderYamlValue(files.project.tests, globals, 'dbt_project.yml');
  const testConfig = (fqn: string[], extra: Record<string, unknown>, file: string) => {
    const config = applyConfigTree({ ...defaultConfig('test'), severity: 'ERROR' }, testTree, fqn);
    return mergeConfig(config, renderYamlValue(extra, globals, file) as Record<string, unknown>);
  };
  const baseFields = (name: string, file: string, fqn: string[], config: ReturnType<typeof testConfig>): BaseNode => ({
    unique_id: '', name, package_name: projectName, path: file, original_file_path: file, fqn, description: '', columns: [], config,
    depends_on: [], database: ctx.target.database, schema: `${ctx.target.schema}_dbt_test__audit`, alias: name, relation: '', patch_path: null,
  });

  const addGeneric = (attached: BaseNode, targetName: string, column: string | null, spec: TestSpec, file: string) => {
    if (!BUILTIN_TESTS.has(spec.test) && !findTestMacro(namespacesOf(globals), globals, spec.test)) {
      const on = `${attached.name}${column ? `.${column}` : ''}`;
      const pkg = spec.test.includes('.') ? spec.test.split('.')[0]! : null;
      const installed = pkg !== null && namespacesOf(globals).byPackage.has(pkg);
      throw new TemplateError(file, null, pkg
        ? installed
          ? `unknown test '${spec.test}' on ${on}: the package '${pkg}' has no {% test ${spec.test.split('.').at(-1)} %} macro`
          : `test '${spec.test}' on ${on} comes from the dbt package '${pkg}', which is not installed: add it to packages.yml and run \`dango deps\``
        : `unknown test '${spec.test}' on ${on} (not a built-in test and no {% test ${spec.test} %} macro)`);
    }
    // dbt names a namespaced test with its package: dbt_utils.expression_is_true -> dbt_utils_expression_is_true_<model>...
    const synthesized = genericTestName(spec.test.replace('.', '_'), targetName, column, spec.kwargs, attached.unique_id.startsWith('source.'));
    const name = spec.customName ?? synthesized.name;
    const alias = spec.customName ?? synthesized.alias;
    const config = testConfig([projectName, name], spec.config, file);
    if (config.enabled === false) return;
    let id = `test.${projectName}.${name}.${md5(`${name}\0${file}`).slice(0, 10)}`;
    for (let i = 2; usedIds.has(id); i++) id = `test.${projectName}.${name}_${i}`;
    usedIds.add(id);
    const deps = new Set<string>([attached.unique_id]);
    for (const v of Object.values(spec.kwargs)) {
      if (!isJinjaArg(v)) continue;
      const template = compileTemplate(`{{ ${v} }}`, file);
      const cap = renderForParse(globals, ctx, { abs: '', rel: file, root: '', package: null, source: v, template } satisfies SqlFile, config, { name });
      for (const r of cap.refs) deps.add(resolveRef(graph.byName, new Map(), r.name, file, v).unique_id);
      for (const [s, t] of cap.sources) deps.add(resolveSource(graph.sources, s, t, file, v).unique_id);
    }
    out.push({
      ...baseFields(name, file, [projectName, name], config), alias, unique_id: id, depends_on: [...deps], resource_type: 'test', kind: 'generic',
      test_name: spec.test, column_name: column, attached_node: attached.unique_id, raw_code: '', template: null, spec,
      // Arguments such as `values: "{{ var('statuses') }}"` render as dbt's do; ref()/source() ones resolve at compile.
      kwargs: Object.fromEntries(Object.entries(spec.kwargs).map(([k, v]) => [k, isJinjaArg(v) ? v : renderYamlValue(v, globals, file)])),
    });
  };

  for (const node of graph.byName.values()) {
    const props = files.properties[`${node.resource_type}s`].get(node.name);
    if (!props) continue;
    for (const spec of props.tests) addGeneric(node, node.name, null, spec, props.file);
    for (const c of props.columns) for (const spec of c.tests) addGeneric(node, node.name, c.name, spec, props.file);
  }
  for (const src of files.properties.sources) {
    for (const t of src.tables) {
      const node = graph.sources.get(`${src.name}.${t.name}`)!;
      const target = `${src.name}_${t.name}`;
      for (const spec of t.tests) addGeneric(node, target, null, spec, src.file);
      for (const c of t.columns) for (const spec of c.tests) addGeneric(node, target, c.name, spec, src.file);
    }
  }
  for (const file of files.singularTests) {
    const name = path.posix.basename(file.rel, '.sql');
    const fqn = [projectName, ...path.posix.relative(file.root, path.posix.dirname(file.rel)).split('/').filter((p) => p && p !== '.'), name];
    const config = testConfig(fqn, {}, file.rel);
    const captured = renderForParse(globals, ctx, file, config, { name, resource_type: 'test' });
    if (config.enabled === false) continue;
    const deps = [
      ...captured.refs.map((r) => resolveRef(graph.byName, new Map(), r.name, file.rel, file.source).unique_id),
      ...captured.sources.map(([s, t]) => resolveSource(graph.sources, s, t, file.rel, file.source).unique_id),
    ];
    out.push({
      ...baseFields(name, file.rel, fqn, config), unique_id: `test.${projectName}.${name}`, path: path.posix.relative(file.root, file.rel),
      depends_on: [...new Set(deps)], resource_type: 'test', kind: 'singular', test_name: null, column_name: null,
      attached_node: deps.length === 1 ? deps[0]! : null, kwargs: {}, raw_code: file.source, template: file.template, spec: null,
    });
  }
  return out;
}
