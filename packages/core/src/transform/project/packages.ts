import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { DangoError, errorMessage } from '../../errors';
import { readDbtProjectFile, type DbtProjectFile } from './dbt-project-file';

/** One entry of `packages.yml` / `dependencies.yml`, as dbt accepts it. */
export type PackageSpec =
  | { kind: 'hub'; package: string; version: string[] }
  | { kind: 'git'; git: string; revision: string | null; subdirectory: string | null }
  | { kind: 'local'; local: string }
  | { kind: 'tarball'; tarball: string; name: string | null };

/** A package found installed under the install path (as `dbt deps` leaves it). */
export interface InstalledPackage {
  /** The package's project name (its `dbt_project.yml` `name`), which is its macro namespace. */
  name: string;
  /** Its folder relative to the dbt folder, with `/` (e.g. `dbt_packages/dbt_utils`). */
  dir: string;
  project: DbtProjectFile;
}

const SPEC_FILES = ['packages.yml', 'dependencies.yml'];

function versions(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** The packages the project declares (`packages.yml`, else `dependencies.yml`); `[]` when neither exists. */
export function readPackageSpecs(dbtDir: string): { file: string | null; specs: PackageSpec[] } {
  for (const file of SPEC_FILES) {
    const abs = path.join(dbtDir, file);
    if (!existsSync(abs)) continue;
    let doc: unknown;
    try {
      doc = parseYaml(readFileSync(abs, 'utf8'));
    } catch (err) {
      throw new DangoError('CONFIG_INVALID', `Cannot parse ${file}: ${errorMessage(err)}`);
    }
    const list = (doc as { packages?: unknown } | null)?.packages ?? [];
    if (!Array.isArray(list)) throw new DangoError('CONFIG_INVALID', `${file}: 'packages' must be a list`);
    const specs = list.map((raw, i): PackageSpec => {
      const e = (raw ?? {}) as Record<string, unknown>;
      if (typeof e.package === 'string') return { kind: 'hub', package: e.package, version: versions(e.version) };
      if (typeof e.git === 'string') {
        return { kind: 'git', git: e.git, revision: e.revision == null ? null : String(e.revision), subdirectory: typeof e.subdirectory === 'string' ? e.subdirectory : null };
      }
      if (typeof e.local === 'string') return { kind: 'local', local: e.local };
      if (typeof e.tarball === 'string') return { kind: 'tarball', tarball: e.tarball, name: typeof e.name === 'string' ? e.name : null };
      throw new DangoError('CONFIG_INVALID', `${file}: package ${i + 1} needs one of 'package', 'git', 'local' or 'tarball'`);
    });
    return { file, specs };
  }
  return { file: null, specs: [] };
}

/** Every package installed under the project's install path, by folder name; a folder without `dbt_project.yml` is not a package. */
export function readInstalledPackages(dbtDir: string, installPath: string): InstalledPackage[] {
  const root = path.join(dbtDir, installPath);
  let entries: string[];
  try {
    entries = readdirSync(root).sort();
  } catch {
    return [];
  }
  const out: InstalledPackage[] = [];
  const seen = new Map<string, string>();
  for (const entry of entries) {
    const abs = path.join(root, entry);
    if (entry.startsWith('.') || !existsSync(path.join(abs, 'dbt_project.yml'))) continue;
    const dir = path.relative(dbtDir, abs).split(path.sep).join('/');
    let project: DbtProjectFile;
    try {
      project = readDbtProjectFile(abs);
    } catch (err) {
      throw new DangoError('CONFIG_INVALID', `The installed package ${dir} is unreadable: ${errorMessage(err)}`);
    }
    const other = seen.get(project.name);
    if (other) throw new DangoError('CONFIG_INVALID', `Two installed packages are named '${project.name}' (${other} and ${dir}); remove one and run dango deps`);
    seen.set(project.name, dir);
    out.push({ name: project.name, dir, project });
  }
  return out;
}

/** The installed packages, refusing a project whose `packages.yml` declares more packages than are installed. */
export function loadPackages(dbtDir: string, project: DbtProjectFile): InstalledPackage[] {
  const installed = readInstalledPackages(dbtDir, project.packagesInstallPath);
  const declared = readPackageSpecs(dbtDir);
  if (declared.specs.length > installed.length) {
    const have = installed.length ? ` (installed: ${installed.map((p) => p.name).join(', ')})` : '';
    throw new DangoError('CONFIG_INVALID', `${declared.file} declares ${declared.specs.length} package(s) but ${project.packagesInstallPath}/ holds ${installed.length}${have}: run \`dango deps\` to install them`);
  }
  for (const p of installed) {
    if (p.name === project.name) throw new DangoError('CONFIG_INVALID', `The installed package ${p.dir} has the project's own name '${project.name}'`);
  }
  return installed;
}
