import { cpSync, mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { loadProjectConfig, resolveInProject } from '../../config';
import { DangoError } from '../../errors';
import { readDbtProjectFile } from '../project/dbt-project-file';
import { readPackageSpecs, type PackageSpec } from '../project/packages';
import { DBT_HUB_URL, fetchPackage } from './fetch-package';

/** One package `dango deps` installed. */
export interface InstalledDependency {
  name: string;
  /** Where it came from: `local:<path>`, `<git url>@<revision>`, `<org>/<name>@<version>` or a tarball URL. */
  source: string;
  version: string | null;
}

/** Options of `installDbtPackages`. */
export interface DepsOptions {
  /** The package hub to resolve `package:` entries against (default hub.getdbt.com). */
  hubUrl?: string;
  onLog?: (message: string) => void;
}

// What never belongs in an installed package.
const SKIP = new Set(['.git', 'dbt_packages', 'dbt_modules', 'target', 'logs']);

/** Links `dest` to the folder `src`; where links are not allowed, copies it (leaving out `dbt_packages/`, `target/`...). */
function linkOrCopy(src: string, dest: string): void {
  try {
    symlinkSync(src, dest, 'junction');
  } catch {
    cpSync(src, dest, { recursive: true, filter: (p) => p === src || !SKIP.has(path.basename(p)) });
  }
}

/**
 * `dbt deps`: installs the packages of `packages.yml`/`dependencies.yml` (and theirs, transitively)
 * into the install path, each in a folder named after its project. Everything is fetched into a
 * scratch folder first; the previous install is replaced only when all packages arrived, so a
 * failed download (no network) leaves the installed packages as they were.
 */
export async function installDbtPackages(dbtDir: string, options: DepsOptions = {}): Promise<InstalledDependency[]> {
  const project = readDbtProjectFile(dbtDir);
  const target = path.join(dbtDir, project.packagesInstallPath);
  const staging = mkdtempSync(path.join(dbtDir, '.dango-deps-'));
  const installed: InstalledDependency[] = [];
  try {
    const queue: { spec: PackageSpec; baseDir: string }[] = readPackageSpecs(dbtDir).specs.map((spec) => ({ spec, baseDir: dbtDir }));
    for (let i = 0; i < queue.length; i++) {
      const { spec, baseDir } = queue[i]!;
      const fetched = await fetchPackage(spec, path.join(staging, '.scratch', String(i)), baseDir, options.hubUrl ?? DBT_HUB_URL);
      const name = readDbtProjectFile(fetched.dir).name;
      // The first request for a package wins, as the root project's own entries come first.
      if (installed.some((p) => p.name === name) || name === project.name) continue;
      const dest = path.join(staging, name);
      // A local package is linked, as dbt does (it may even contain this project: `local: ../`); fetched ones are copied.
      if (spec.kind === 'local') linkOrCopy(fetched.dir, dest);
      else cpSync(fetched.dir, dest, { recursive: true, dereference: true, filter: (src) => !SKIP.has(path.basename(src)) || src === fetched.dir });
      installed.push({ name, source: fetched.source, version: fetched.version });
      options.onLog?.(`Installed ${name} (${fetched.source})`);
      // A package's own dependencies resolve relative to the package.
      for (const dep of readPackageSpecs(fetched.dir).specs) queue.push({ spec: dep, baseDir: fetched.dir });
    }
    rmSync(path.join(staging, '.scratch'), { recursive: true, force: true });
    rmSync(target, { recursive: true, force: true });
    mkdirSync(path.dirname(target), { recursive: true });
    renameSync(staging, target);
  } catch (err) {
    rmSync(staging, { recursive: true, force: true });
    throw err instanceof DangoError ? err : new DangoError('INTERNAL', `dango deps failed: ${String(err)}`, { cause: err });
  }
  return installed;
}

/** `dango deps` for a Dango project: installs the packages of its dbt folder (`platform.dbt_project_dir`). */
export async function installProjectPackages(projectDir: string, options: DepsOptions = {}): Promise<InstalledDependency[]> {
  const config = await loadProjectConfig(projectDir);
  return installDbtPackages(resolveInProject(config.root, config.platform.dbt_project_dir), options);
}
