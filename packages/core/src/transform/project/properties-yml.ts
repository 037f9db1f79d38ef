import { parse as parseYaml } from 'yaml';
import { errorMessage } from '../../errors';
import { TemplateError } from '../jinja/template-error';
import { readUnitTests, type UnitTestProps } from '../unit-tests/unit-test-props';
import type { VersionProps } from './model-versions';

/** A data test declared in a properties file (`tests:` or `data_tests:`). */
export interface TestSpec {
  /** Generic test name: `unique`, `not_null`, `accepted_values`, `relationships` or a user `{% test %}`. */
  test: string;
  kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  /** A user-given test name (`name:` in the test entry). */
  customName?: string;
}

/** A column's properties. */
export interface ColumnProps {
  name: string;
  description: string;
  data_type: string | null;
  meta: Record<string, unknown>;
  tags: string[];
  tests: TestSpec[];
}

/** A model's or seed's properties. */
export interface NodeProps {
  name: string;
  description: string;
  columns: ColumnProps[];
  tests: TestSpec[];
  config: Record<string, unknown>;
  meta: Record<string, unknown>;
  file: string;
  /** A yml-defined snapshot's `relation:` (`ref('x')` or `source('s', 't')`). */
  relation?: string;
  /** A versioned model's `versions:` and `latest_version` (models only). */
  versions?: VersionProps[];
  latest_version?: string;
  /** Set on the per-version properties `expandVersions` makes: the model and the version. */
  version?: { of: string; v: string };
}

/** One table of a source. */
export interface SourceTableProps extends Omit<NodeProps, 'config'> {
  identifier: string | null;
  /** Freshness settings, the table's own or else its source's (as dbt inherits them). */
  loaded_at_field: string | null;
  freshness: Record<string, unknown> | null;
}

/** A `sources:` entry. */
export interface SourceProps {
  name: string;
  schema: string | null;
  database: string | null;
  description: string;
  tables: SourceTableProps[];
  loader: string;
  meta: Record<string, unknown>;
  file: string;
}

/** Everything the properties files of a project declare. */
export interface Properties {
  models: Map<string, NodeProps>;
  seeds: Map<string, NodeProps>;
  sources: SourceProps[];
  /** `snapshots:` entries: properties of `{% snapshot %}` blocks, or whole snapshots when they have a `relation`. */
  snapshots: Map<string, NodeProps>;
  /** dbt 1.8 `unit_tests:` entries. */
  unitTests: UnitTestProps[];
  /** Exposures, metrics, semantic models and saved queries: described in the manifest, never executed. */
  declared: DeclaredProps[];
}

/** The kinds of declared resources, by their properties-file key. */
export const DECLARED_KINDS = { exposures: 'exposure', metrics: 'metric', semantic_models: 'semantic_model', saved_queries: 'saved_query' } as const;

/** One exposure, metric, semantic model or saved query as written in a properties file. */
export interface DeclaredProps {
  kind: (typeof DECLARED_KINDS)[keyof typeof DECLARED_KINDS];
  name: string;
  entry: Record<string, unknown>;
  file: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : v === undefined || v === null ? '' : String(v));

function testSpecs(list: unknown, file: string, where: string): TestSpec[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new TemplateError(file, null, `${where}: tests must be a list`);
  return list.map((entry) => {
    if (typeof entry === 'string') return { test: entry, kwargs: {}, config: {} };
    if (!isObj(entry)) throw new TemplateError(file, null, `${where}: a test must be a name or a mapping, got ${JSON.stringify(entry)}`);
    const keys = Object.keys(entry).filter((k) => !['name', 'config', 'test_name', 'description'].includes(k));
    const test = str(entry.test_name) || keys[0];
    if (!test) throw new TemplateError(file, null, `${where}: cannot tell which test ${JSON.stringify(entry)} is`);
    const body = isObj(entry[test]) ? { ...(entry[test] as Obj) } : {};
    const args = isObj(body.arguments) ? (body.arguments as Obj) : {};
    delete body.arguments;
    const config: Obj = { ...(isObj(entry.config) ? entry.config : {}), ...(isObj(body.config) ? (body.config as Obj) : {}) };
    delete body.config;
    for (const k of ['severity', 'where', 'limit', 'tags', 'enabled', 'error_if', 'warn_if']) {
      if (k in body) {
        config[k] = body[k];
        delete body[k];
      }
    }
    // A custom test name sits beside the arguments (`- unique: {name: x}`) or beside test_name.
    const customName = (typeof body.name === 'string' ? body.name : undefined) ?? (entry.test_name ? str(entry.name) || undefined : undefined);
    delete body.name;
    return { test, kwargs: { ...body, ...args }, config, customName };
  });
}

function columns(list: unknown, file: string, where: string): ColumnProps[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new TemplateError(file, null, `${where}: columns must be a list`);
  return list.filter(isObj).map((c) => ({
    name: str(c.name),
    description: str(c.description),
    data_type: typeof c.data_type === 'string' ? c.data_type : null,
    meta: isObj(c.meta) ? c.meta : {},
    tags: Array.isArray(c.tags) ? c.tags.map(String) : [],
    tests: testSpecs(c.data_tests ?? c.tests, file, `${where} column '${str(c.name)}'`),
  }));
}

function nodeProps(m: Obj, file: string, kind: string): NodeProps {
  const name = str(m.name);
  if (!name) throw new TemplateError(file, null, `a ${kind} entry has no name`);
  return {
    name,
    description: str(m.description),
    columns: columns(m.columns, file, `${kind} '${name}'`),
    tests: testSpecs(m.data_tests ?? m.tests, file, `${kind} '${name}'`),
    config: isObj(m.config) ? m.config : {},
    meta: isObj(m.meta) ? m.meta : {},
    file,
    ...(typeof m.relation === 'string' ? { relation: m.relation } : {}),
    ...(Array.isArray(m.versions) ? { versions: versionList(m.versions, file, name) } : {}),
    ...(m.latest_version !== undefined && m.latest_version !== null ? { latest_version: str(m.latest_version) } : {}),
  };
}

function versionList(list: unknown[], file: string, model: string): VersionProps[] {
  return list.filter(isObj).map((v) => {
    if (v.v === undefined || v.v === null) throw new TemplateError(file, null, `model '${model}': a versions entry has no v`);
    const cols = Array.isArray(v.columns) ? v.columns.filter(isObj) : [];
    const rule = cols.find((c) => 'include' in c || 'exclude' in c);
    return {
      v: str(v.v),
      defined_in: typeof v.defined_in === 'string' ? v.defined_in : null,
      description: typeof v.description === 'string' ? v.description : null,
      config: isObj(v.config) ? v.config : {},
      columns: columns(cols.filter((c) => c !== rule), file, `model '${model}' v${str(v.v)}`),
      exclude: rule && Array.isArray(rule.exclude) ? rule.exclude.map(String) : [],
    };
  });
}

/** Reads one properties file into `into`; a duplicate model or a malformed file names the file. */
export function readPropertiesFile(text: string, file: string, into: Properties): void {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (err) {
    throw new TemplateError(file, null, `invalid YAML: ${errorMessage(err)}`);
  }
  if (doc === null || doc === undefined) return;
  if (!isObj(doc)) throw new TemplateError(file, null, 'a properties file must be a mapping');
  for (const [key, map] of [['models', into.models], ['seeds', into.seeds], ['snapshots', into.snapshots]] as const) {
    const list = doc[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new TemplateError(file, null, `'${key}' must be a list`);
    for (const m of list.filter(isObj)) {
      const props = nodeProps(m, file, key.slice(0, -1));
      const seen = map.get(props.name);
      if (seen) throw new TemplateError(file, null, `${key.slice(0, -1)} '${props.name}' is described twice (also in ${seen.file})`);
      map.set(props.name, props);
    }
  }
  into.unitTests.push(...readUnitTests(doc.unit_tests, file));
  for (const [key, kind] of Object.entries(DECLARED_KINDS)) {
    const list = doc[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw new TemplateError(file, null, `'${key}' must be a list`);
    for (const entry of list.filter(isObj)) {
      if (!str(entry.name)) throw new TemplateError(file, null, `a ${kind.replace('_', ' ')} has no name`);
      into.declared.push({ kind, name: str(entry.name), entry, file });
    }
  }
  const sources = doc.sources;
  if (sources !== undefined && sources !== null) {
    if (!Array.isArray(sources)) throw new TemplateError(file, null, "'sources' must be a list");
    for (const s of sources.filter(isObj)) {
      const name = str(s.name);
      if (!name) throw new TemplateError(file, null, 'a source has no name');
      const tables = Array.isArray(s.tables) ? s.tables.filter(isObj) : [];
      into.sources.push({
        name,
        schema: typeof s.schema === 'string' ? s.schema : null,
        database: typeof s.database === 'string' ? s.database : null,
        description: str(s.description),
        loader: str(s.loader),
        meta: isObj(s.meta) ? s.meta : {},
        file,
        tables: tables.map((t) => {
          const p = nodeProps(t, file, `source '${name}' table`);
          const loadedAt = t.loaded_at_field ?? s.loaded_at_field;
          // `freshness: null` on a table switches its source's freshness off.
          const freshness = 'freshness' in t ? t.freshness : s.freshness;
          return {
            ...p,
            identifier: typeof t.identifier === 'string' ? t.identifier : null,
            loaded_at_field: typeof loadedAt === 'string' ? loadedAt : null,
            freshness: isObj(freshness) ? freshness : null,
          };
        }),
      });
    }
  }
}
