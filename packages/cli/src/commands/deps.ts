import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** `dango deps`: installs the dbt packages of packages.yml / dependencies.yml into dbt/dbt_packages/ (as `dbt deps`). */
export function registerDeps(program: Command, io: CliIo): void {
  withProjectOption(program.command('deps'))
    .description('install the dbt packages of packages.yml (local:, git:, hub) into dbt/dbt_packages/')
    .action(async (opts: { project?: string }) => {
      // Loaded when the command runs, so `--version` and other commands never load core for it.
      const [{ installProjectPackages }, { resolveProjectDir }] = await Promise.all([import('@dango/core'), import('../project')]);
      const root = resolveProjectDir(opts.project);
      // DANGO_DBT_HUB_URL points at a mirror of hub.getdbt.com (e.g. inside a closed network).
      const installed = await installProjectPackages(root, { hubUrl: io.env.DANGO_DBT_HUB_URL || undefined, onLog: (m) => io.out(m) });
      io.out(installed.length ? `Installed ${installed.length} package(s)` : 'No packages to install (no packages.yml or dependencies.yml)');
    });
}
