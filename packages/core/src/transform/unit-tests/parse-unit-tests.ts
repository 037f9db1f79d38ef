import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TemplateError } from '../jinja/template-error';
import { applyConfigTree, defaultConfig, mergeConfig } from '../project/config-tree';
import { scanFiles } from '../project/scan-files';
import type { ProjectGraph } from '../graph/project-graph';
import type { GivenInput, UnitTestNode } from './unit-test-node';
import type { RowsSpec, UnitTestProps } from './unit-test-props';

const REF_RE = /^ref\(\s*['"]([^'"]+)['"]\s*(?:,\s*['"]([^'"]+)['"]\s*)?\)$/;
const SOURCE_RE = /^source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)$/;

/** Replaces a `fixture:` name by the rows of `<test-path>/fixtures/<name>.csv|.sql`. */
function withFixture(spec: RowsSpec, fixtures: Map<string, { format: 'csv' | 'sql'; text: string }>, file: string, where: string): RowsSpec {
  if (!spec.fixture) return spec;
  const f = fixtures.get(spec.fixture);
  if (!f) throw new TemplateError(file, null, `${where}: no fixture file '${spec.fixture}.csv' or '${spec.fixture}.sql' under a tests/fixtures/ folder`);
  return { format: f.format, rows: f.text, fixture: spec.fixture };
}

function resolveInput(graph: ProjectGraph, t: UnitTestProps, modelId: string, input: string): Pick<GivenInput, 'node' | 'kind'> {
  if (input === 'this') return { node: modelId, kind: 'this' };
  const ref = REF_RE.exec(input);
  if (ref) {
    const name = ref[2] ?? ref[1]!;
    const node = graph.byName.get(name);
    if (!node) throw new TemplateError(t.file, null, `unit test '${t.name}': given input ${input} is not a model, seed or snapshot of this project`);
    return { node: node.unique_id, kind: 'ref' };
  }
  const src = SOURCE_RE.exec(input);
  if (src) {
    const node = graph.sources.get(`${src[1]}.${src[2]}`);
    if (!node) throw new TemplateError(t.file, null, `unit test '${t.name}': given input ${input} is not declared in any sources: block`);
    return { node: node.unique_id, kind: 'source' };
  }
  throw new TemplateError(t.file, null, `unit test '${t.name}': given input '${input}' must be ref('...'), source('...', '...') or this`);
}

/** The project's unit tests as graph nodes, each depending on the model it tests (as in dbt's manifest). */
export function parseUnitTests(graph: ProjectGraph): UnitTestNode[] {
  const { files, projectName } = graph;
  const fixtures = new Map<string, { format: 'csv' | 'sql'; text: string }>();
  for (const f of scanFiles(graph.dbtDir, files.project.testPaths.map((p) => `${p}/fixtures`), ['.csv', '.sql'])) {
    fixtures.set(path.posix.basename(f.rel).replace(/\.(csv|sql)$/, ''), { format: f.rel.endsWith('.csv') ? 'csv' : 'sql', text: readFileSync(f.abs, 'utf8') });
  }
  const out: UnitTestNode[] = [];
  for (const t of files.properties.unitTests) {
    const model = graph.byName.get(t.model);
    // A disabled model's unit tests are disabled with it, as in dbt.
    if (!model && files.models.some((f) => path.posix.basename(f.rel, '.sql') === t.model)) continue;
    if (!model || model.resource_type !== 'model') throw new TemplateError(t.file, null, `unit test '${t.name}' tests '${t.model}', which is not a model of this project`);
    const fqn = [...model.fqn.slice(0, -1), t.model, t.name];
    const config = mergeConfig(applyConfigTree(defaultConfig('unit_test'), files.project.unitTests, fqn), t.config);
    if (config.enabled === false) continue;
    const given = t.given.map((g) => ({ ...withFixture(g, fixtures, t.file, `unit test '${t.name}' given ${g.input}`), input: g.input, ...resolveInput(graph, t, model.unique_id, g.input) }));
    const id = `unit_test.${projectName}.${t.model}.${t.name}`;
    const twin = out.find((u) => u.unique_id === id);
    if (twin) throw new TemplateError(t.file, null, `unit test '${t.name}' of model '${t.model}' is defined twice (also in ${twin.original_file_path})`);
    out.push({
      unique_id: id, name: t.name, package_name: projectName, path: t.file, original_file_path: t.file,
      fqn, description: t.description, columns: [], config, depends_on: [model.unique_id],
      database: model.database, schema: model.schema, alias: t.name, relation: '', patch_path: null,
      resource_type: 'unit_test', model: t.model, given, expect: withFixture(t.expect, fixtures, t.file, `unit test '${t.name}' expect`), overrides: t.overrides,
    });
  }
  return out;
}
