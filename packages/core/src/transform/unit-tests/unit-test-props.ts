import { TemplateError } from '../jinja/template-error';

/** How a unit test's rows are written: a list of mappings, CSV text, or a SQL select. */
export type RowsFormat = 'dict' | 'csv' | 'sql';

/** Rows of a `given` input or of `expect`. */
export interface RowsSpec {
  format: RowsFormat;
  /** A list of mappings (dict), CSV text (csv) or SQL (sql); null when `fixture` names a file instead. */
  rows: unknown;
  /** A fixture file name under `<test-path>/fixtures/` (without extension). */
  fixture: string | null;
}

/** One `given:` input: `ref('x')`, `source('s', 't')` or `this`, with its rows. */
export interface GivenProps extends RowsSpec {
  input: string;
}

/** A `unit_tests:` entry of a properties file (dbt 1.8). */
export interface UnitTestProps {
  name: string;
  model: string;
  description: string;
  given: GivenProps[];
  expect: RowsSpec;
  overrides: { macros: Record<string, unknown>; vars: Record<string, unknown> };
  config: Record<string, unknown>;
  file: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => !!v && typeof v === 'object' && !Array.isArray(v);

function rowsSpec(v: Obj, file: string, where: string): RowsSpec {
  const format = v.format === undefined ? 'dict' : String(v.format);
  if (format !== 'dict' && format !== 'csv' && format !== 'sql') throw new TemplateError(file, null, `${where}: format must be dict, csv or sql, got '${format}'`);
  const fixture = typeof v.fixture === 'string' ? v.fixture : null;
  if (v.rows === undefined && !fixture) throw new TemplateError(file, null, `${where}: needs rows (or a fixture)`);
  if (format === 'dict' && v.rows !== undefined && v.rows !== null && !Array.isArray(v.rows)) throw new TemplateError(file, null, `${where}: rows in the dict format must be a list of mappings`);
  if (format !== 'dict' && v.rows !== undefined && typeof v.rows !== 'string') throw new TemplateError(file, null, `${where}: rows in the ${format} format must be text`);
  return { format, rows: v.rows ?? null, fixture };
}

/** Reads the `unit_tests:` list of one properties file; a malformed entry names the file and the test. */
export function readUnitTests(list: unknown, file: string): UnitTestProps[] {
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) throw new TemplateError(file, null, "'unit_tests' must be a list");
  return list.filter(isObj).map((t) => {
    const name = typeof t.name === 'string' ? t.name : '';
    if (!name) throw new TemplateError(file, null, 'a unit test has no name');
    const where = `unit test '${name}'`;
    if (typeof t.model !== 'string' || !t.model) throw new TemplateError(file, null, `${where} needs a model`);
    if (!Array.isArray(t.given)) throw new TemplateError(file, null, `${where}: given must be a list of inputs`);
    if (!isObj(t.expect)) throw new TemplateError(file, null, `${where}: expect must be a mapping with rows`);
    const given = t.given.map((g, i) => {
      if (!isObj(g) || typeof g.input !== 'string') throw new TemplateError(file, null, `${where}: given input ${i + 1} needs input: ref('...') or source('...', '...')`);
      return { input: g.input.trim(), ...rowsSpec(g, file, `${where} given ${g.input}`) };
    });
    const overrides = isObj(t.overrides) ? t.overrides : {};
    return {
      name, model: t.model, description: typeof t.description === 'string' ? t.description : '', given, expect: rowsSpec(t.expect, file, `${where} expect`),
      overrides: { macros: isObj(overrides.macros) ? overrides.macros : {}, vars: isObj(overrides.vars) ? overrides.vars : {} },
      config: isObj(t.config) ? t.config : {}, file,
    };
  });
}
