import path from 'node:path';
import type { Command } from 'commander';
import type { CliIo } from '../io';

/** `dango init [dir]`: scaffolds a project. */
export function registerInit(program: Command, io: CliIo): void {
  program
    .command('init [dir]')
    .description('create a Dango project (.dango/, data/uploads/, dbt/) in DIR (default: the current folder)')
    .option('--project <dir>', 'same as DIR')
    .option('--name <name>', 'project name (default: the folder name)')
    .option('--organization <org>', 'organization shown in the UI')
    .action(async (dir: string | undefined, opts: { project?: string; name?: string; organization?: string }) => {
      const target = path.resolve(dir ?? opts.project ?? '.');
      const { initProject } = await import('@dango/core');
      const root = await initProject(target, { name: opts.name, organization: opts.organization });
      const rel = path.relative(process.cwd(), root) || '.';
      io.out(`Created Dango project '${opts.name ?? path.basename(root)}' in ${root}`);
      io.out('Next steps:');
      io.out(`  1. add a source to ${path.join(rel, '.dango', 'sources.yml')}`);
      io.out(`  2. put its files under ${path.join(rel, 'data', 'uploads')}/`);
      io.out(`  3. dango sync --project ${rel}   (or dango start --project ${rel})`);
    });
}
