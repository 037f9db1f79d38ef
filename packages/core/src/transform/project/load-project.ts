import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileTemplate, type CompiledTemplate } from '../jinja/template';
import { readDbtProjectFile, type DbtProjectFile } from './dbt-project-file';
import { readDocsBlocks } from './docs-blocks';
import { readPropertiesFile, type Properties } from './properties-yml';
import { scanFiles, type ProjectFileRef } from './scan-files';

/** One SQL file of the project, read and parsed. */
export interface SqlFile extends ProjectFileRef {
  /** The resource folder it was found under (`models`, `tests`, ...). */
  root: string;
  source: string;
  template: CompiledTemplate;
}

/** Everything read from a dbt folder, before the graph is built. */
export interface ProjectFiles {
  dbtDir: string;
  project: DbtProjectFile;
  models: SqlFile[];
  macros: CompiledTemplate[];
  singularTests: SqlFile[];
  seeds: (ProjectFileRef & { root: string })[];
  properties: Properties;
  docs: Map<string, string>;
  /** Resources dbt would build but the embedded engine does not (snapshots, Python models); a ref to one says so. */
  unsupported: UnsupportedResource[];
}

/** A snapshot or Python model found in the project. */
export interface UnsupportedResource {
  name: string;
  kind: 'snapshot' | 'Python model';
  file: string;
}

const SNAPSHOT_RE = /\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)/g;

function rootOf(rel: string, roots: string[]): string {
  return roots.find((r) => rel === r || rel.startsWith(`${r.replace(/\/$/, '')}/`)) ?? roots[0]!;
}

function readSql(files: ProjectFileRef[], roots: string[]): SqlFile[] {
  return files.map((f) => {
    const source = readFileSync(f.abs, 'utf8');
    return { ...f, root: rootOf(f.rel, roots), source, template: compileTemplate(source, f.rel) };
  });
}

/** True when `dbtDir` holds a dbt project. */
export function hasDbtProject(dbtDir: string): boolean {
  return existsSync(path.join(dbtDir, 'dbt_project.yml'));
}

/** Reads and parses every file of the dbt project; any template or YAML error names its file. */
export function loadProjectFiles(dbtDir: string): ProjectFiles {
  const project = readDbtProjectFile(dbtDir);
  const macroFiles = scanFiles(dbtDir, project.macroPaths, ['.sql']);
  const testFiles = scanFiles(dbtDir, project.testPaths, ['.sql']);
  // Generic tests under tests/generic are macros (`{% test %}` blocks), not singular tests.
  const genericTests = testFiles.filter((f) => /(^|\/)generic\//.test(f.rel));
  const macros = [...macroFiles, ...genericTests].map((f) => compileTemplate(readFileSync(f.abs, 'utf8'), f.rel));
  const properties: Properties = { models: new Map(), seeds: new Map(), sources: [] };
  const propertyDirs = [...new Set([...project.modelPaths, ...project.seedPaths])];
  for (const f of scanFiles(dbtDir, propertyDirs, ['.yml', '.yaml'])) readPropertiesFile(readFileSync(f.abs, 'utf8'), f.rel, properties);
  const docs = new Map<string, string>();
  for (const f of scanFiles(dbtDir, [...new Set([...project.docsPaths, ...project.macroPaths])], ['.md'])) readDocsBlocks(readFileSync(f.abs, 'utf8'), f.rel, docs);
  return {
    dbtDir,
    project,
    models: readSql(scanFiles(dbtDir, project.modelPaths, ['.sql']), project.modelPaths),
    macros,
    singularTests: readSql(testFiles.filter((f) => !genericTests.includes(f)), project.testPaths),
    seeds: scanFiles(dbtDir, project.seedPaths, ['.csv']).map((f) => ({ ...f, root: rootOf(f.rel, project.seedPaths) })),
    properties,
    docs,
    unsupported: [
      ...scanFiles(dbtDir, project.snapshotPaths, ['.sql']).flatMap((f) =>
        [...readFileSync(f.abs, 'utf8').matchAll(SNAPSHOT_RE)].map((m) => ({ name: m[1]!, kind: 'snapshot' as const, file: f.rel }))),
      ...scanFiles(dbtDir, project.modelPaths, ['.py']).map((f) => ({ name: path.posix.basename(f.rel, '.py'), kind: 'Python model' as const, file: f.rel })),
    ],
  };
}
