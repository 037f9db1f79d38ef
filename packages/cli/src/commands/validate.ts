import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** `dango validate`: checks project.yml, sources.yml and the dbt project, and reports every problem at once. */
export function registerValidate(program: Command, io: CliIo): void {
  withProjectOption(program.command('validate'))
    .description('check .dango/project.yml, .dango/sources.yml and the dbt project; every problem at once, exit 1 when any')
    .action(async (opts: { project?: string }) => (await import('./validate-run')).runValidate(opts, io));
}
