import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { compileTemplate, type CompiledTemplate } from '../jinja/template';
import { readDbtProjectFile, type DbtProjectFile } from './dbt-project-file';
import { readDocsBlocks } from './docs-blocks';
import { loadPackages, type InstalledPackage } from './packages';
import { readPropertiesFile, type Properties } from './properties-yml';
import { scanFiles, type ProjectFileRef } from './scan-files';
import { readSnapshotBlocks, type SnapshotBlock } from '../snapshots/snapshot-files';

/** One SQL file of the project, read and parsed. */
export interface SqlFile extends ProjectFileRef {
  /** The resource folder it was found under (`models`, `tests`, ...). */
  root: string;
  /** The installed package it belongs to; null for the project's own files. */
  package: string | null;
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
  /** The project's analyses (`analysis-paths`): compiled, never run. */
  analyses: SqlFile[];
  seeds: (ProjectFileRef & { root: string; package: string | null })[];
  /** The `{% snapshot %}` blocks of snapshot-paths (the project's and its packages'). */
  snapshots: SnapshotBlock[];
  /** Installed packages (`dbt_packages/<name>/`), with their macros (each package's own namespace). */
  packages: LoadedPackage[];
  properties: Properties;
  docs: Map<string, string>;
  /** Resources dbt would build but the embedded engine does not (Python models); a ref to one says so. */
  unsupported: UnsupportedResource[];
}

/** An installed package with its parsed macros. */
export interface LoadedPackage extends InstalledPackage {
  macros: CompiledTemplate[];
}

/** A Python model found in the project. */
export interface UnsupportedResource {
  name: string;
  kind: 'Python model';
  file: string;
}

function rootOf(rel: string, roots: string[]): string {
  return roots.find((r) => rel === r || rel.startsWith(`${r.replace(/\/$/, '')}/`)) ?? roots[0]!;
}

/** Where a file's error goes: thrown (the engine at run time), or reported and the file skipped (`dango validate`, which reports every problem). */
type OnFileError = ((error: unknown) => void) | undefined;

/** `read(f)` for each file; with `onError`, a file that fails is reported and left out instead of ending the load. */
function eachFile<T>(files: ProjectFileRef[], read: (f: ProjectFileRef) => T, onError: OnFileError): T[] {
  if (!onError) return files.map(read);
  return files.flatMap((f) => {
    try {
      return [read(f)];
    } catch (err) {
      onError(err);
      return [];
    }
  });
}

function readSql(files: ProjectFileRef[], roots: string[], pkg: string | null, onError?: OnFileError): SqlFile[] {
  return eachFile(files, (f) => {
    const source = readFileSync(f.abs, 'utf8');
    return { ...f, root: rootOf(f.rel, roots), package: pkg, source, template: compileTemplate(source, f.rel) };
  }, onError);
}

/** The resource folders of a project (its own, or a package's under `dir`), relative to the dbt folder. */
function folders(project: DbtProjectFile, dir: string | null) {
  const under = (list: string[]) => (dir ? list.map((p) => `${dir}/${p}`) : list);
  return {
    models: under(project.modelPaths), seeds: under(project.seedPaths), tests: under(project.testPaths), macros: under(project.macroPaths),
    snapshots: under(project.snapshotPaths), docs: under(project.docsPaths), analyses: under(project.analysisPaths),
  };
}

/** The macros of a project or package: `macros/` plus the `{% test %}` blocks of `tests/generic/`. */
function readMacros(dbtDir: string, dirs: ReturnType<typeof folders>, onError?: OnFileError): { macros: CompiledTemplate[]; genericTests: ProjectFileRef[] } {
  const genericTests = scanFiles(dbtDir, dirs.tests, ['.sql']).filter((f) => /(^|\/)generic\//.test(f.rel));
  const macros = eachFile([...scanFiles(dbtDir, dirs.macros, ['.sql']), ...genericTests], (f) => compileTemplate(readFileSync(f.abs, 'utf8'), f.rel), onError);
  return { macros, genericTests };
}

/** True when `dbtDir` holds a dbt project. */
export function hasDbtProject(dbtDir: string): boolean {
  return existsSync(path.join(dbtDir, 'dbt_project.yml'));
}

/**
 * Reads and parses every file of the dbt project and its installed packages; any template or YAML error
 * names its file. With `onFileError`, a file's error is reported and that file left out, so a caller
 * that reports every problem (`dango validate`) sees past the first broken file.
 */
export function loadProjectFiles(dbtDir: string, options: { onFileError?: (error: unknown) => void } = {}): ProjectFiles {
  const onError = options.onFileError;
  const project = readDbtProjectFile(dbtDir);
  const installed = loadPackages(dbtDir, project);
  const own = folders(project, null);
  const { macros, genericTests } = readMacros(dbtDir, own, onError);
  // Unit-test fixtures (`tests/fixtures/`) are data, not singular tests.
  const testFiles = scanFiles(dbtDir, own.tests, ['.sql']).filter((f) => !/(^|\/)fixtures\//.test(f.rel));
  const properties: Properties = { models: new Map(), seeds: new Map(), sources: [], snapshots: new Map(), unitTests: [], declared: [] };
  const docs = new Map<string, string>();
  const models: SqlFile[] = [];
  const seeds: ProjectFiles['seeds'] = [];
  const snapshots: SnapshotBlock[] = [];
  const packages: LoadedPackage[] = [];
  // Packages first, so the project's own properties and docs override theirs.
  for (const [pkg, dirs] of [...installed.map((p) => [p, folders(p.project, p.dir)] as const), [null, own] as const]) {
    if (pkg) packages.push({ ...pkg, macros: readMacros(dbtDir, dirs, onError).macros });
    const name = pkg?.name ?? null;
    eachFile(scanFiles(dbtDir, [...new Set([...dirs.models, ...dirs.seeds, ...dirs.snapshots])], ['.yml', '.yaml']), (f) => readPropertiesFile(readFileSync(f.abs, 'utf8'), f.rel, properties), onError);
    eachFile(scanFiles(dbtDir, [...new Set([...dirs.docs, ...dirs.macros])], ['.md']), (f) => readDocsBlocks(readFileSync(f.abs, 'utf8'), f.rel, docs), onError);
    models.push(...readSql(scanFiles(dbtDir, dirs.models, ['.sql']), dirs.models, name, onError));
    seeds.push(...scanFiles(dbtDir, dirs.seeds, ['.csv']).map((f) => ({ ...f, root: rootOf(f.rel, dirs.seeds), package: name })));
    snapshots.push(...readSnapshotBlocks(scanFiles(dbtDir, dirs.snapshots, ['.sql']), (rel) => rootOf(rel, dirs.snapshots), name));
  }
  return {
    dbtDir,
    project,
    models,
    macros,
    packages,
    singularTests: readSql(testFiles.filter((f) => !genericTests.some((g) => g.rel === f.rel)), own.tests, null, onError),
    analyses: readSql(scanFiles(dbtDir, own.analyses, ['.sql']), own.analyses, null, onError),
    seeds,
    snapshots,
    properties,
    docs,
    unsupported: scanFiles(dbtDir, own.models, ['.py']).map((f) => ({ name: path.posix.basename(f.rel, '.py'), kind: 'Python model' as const, file: f.rel })),
  };
}
