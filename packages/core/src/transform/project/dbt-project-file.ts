import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DangoError, errorMessage } from '../../errors';

/** The parts of `dbt_project.yml` the engine uses. */
export interface DbtProjectFile {
  name: string;
  modelPaths: string[];
  seedPaths: string[];
  testPaths: string[];
  macroPaths: string[];
  snapshotPaths: string[];
  /** `analysis-paths`: SQL compiled into target/compiled, never run. */
  analysisPaths: string[];
  docsPaths: string[];
  targetPath: string;
  vars: Record<string, unknown>;
  models: unknown;
  seeds: unknown;
  tests: unknown;
  snapshots: unknown;
  /** `unit_tests:` configs (`+enabled`, `+tags`, `+meta`). */
  unitTests: unknown;
  /** `on-run-start` / `on-run-end` SQL templates (a string or a list in the file). */
  onRunStart: string[];
  onRunEnd: string[];
  /** Where `dbt deps` installs packages (`packages-install-path`, default `dbt_packages`). */
  packagesInstallPath: string;
  /** `dispatch:` entries: the packages searched, in order, for a macro namespace's implementations. */
  dispatch: { macro_namespace: string; search_order: string[] }[];
}

function dispatchConfig(value: unknown): DbtProjectFile['dispatch'] {
  if (!Array.isArray(value)) return [];
  return value
    .filter((d): d is Record<string, unknown> => !!d && typeof d === 'object' && typeof (d as Record<string, unknown>).macro_namespace === 'string')
    .map((d) => ({ macro_namespace: String(d.macro_namespace), search_order: paths(d.search_order, []) }));
}

function paths(value: unknown, fallback: string[]): string[] {
  if (value === undefined || value === null) return fallback;
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** Reads and validates `dbt_project.yml` in `dbtDir`. */
export function readDbtProjectFile(dbtDir: string): DbtProjectFile {
  const file = path.join(dbtDir, 'dbt_project.yml');
  if (!existsSync(file)) throw new DangoError('NOT_FOUND', `No dbt project: ${file} does not exist`);
  let doc: Record<string, unknown>;
  try {
    doc = (parseYaml(readFileSync(file, 'utf8')) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new DangoError('CONFIG_INVALID', `Cannot parse dbt_project.yml: ${errorMessage(err)}`);
  }
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new DangoError('CONFIG_INVALID', 'dbt_project.yml must be a mapping');
  const name = doc.name;
  if (typeof name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    throw new DangoError('CONFIG_INVALID', `dbt_project.yml: 'name' must be an identifier (letters, digits, underscores), got ${JSON.stringify(name)}`);
  }
  const modelPaths = paths(doc['model-paths'] ?? doc['source-paths'], ['models']);
  return {
    name,
    modelPaths,
    seedPaths: paths(doc['seed-paths'] ?? doc['data-paths'], ['seeds']),
    testPaths: paths(doc['test-paths'], ['tests']),
    macroPaths: paths(doc['macro-paths'], ['macros']),
    snapshotPaths: paths(doc['snapshot-paths'], ['snapshots']),
    analysisPaths: paths(doc['analysis-paths'], ['analyses']),
    docsPaths: paths(doc['docs-paths'], [...modelPaths]),
    targetPath: typeof doc['target-path'] === 'string' ? doc['target-path'] : 'target',
    vars: (doc.vars && typeof doc.vars === 'object' ? doc.vars : {}) as Record<string, unknown>,
    models: doc.models,
    seeds: doc.seeds,
    tests: doc.tests ?? doc.data_tests,
    snapshots: doc.snapshots,
    unitTests: doc.unit_tests,
    onRunStart: paths(doc['on-run-start'], []),
    onRunEnd: paths(doc['on-run-end'], []),
    packagesInstallPath: typeof doc['packages-install-path'] === 'string' ? doc['packages-install-path'] : 'dbt_packages',
    dispatch: dispatchConfig(doc.dispatch),
  };
}
