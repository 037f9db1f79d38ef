import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';
import { registerSourceCheck } from './source-check';

/** `dango source list`: the configured sources, from `.dango/sources.yml` (no warehouse needed). */
function registerSourceList(source: Command, io: CliIo): void {
  withProjectOption(source.command('list'))
    .description('list the sources configured in .dango/sources.yml')
    .option('--json', 'print JSON')
    .action(async (opts: { project?: string; json?: boolean }) => (await import('./source-run')).listSources(opts, io));
}

/** `dango source add <type> --name <name>`: appends a commented, validated block to sources.yml, keeping the file's comments. */
function registerSourceAdd(source: Command, io: CliIo): void {
  withProjectOption(source.command('add <type>'))
    .description('add a source to .dango/sources.yml with a commented block for its type (csv)')
    .requiredOption('--name <name>', 'the source name (lower case, digits, underscores)')
    .option('--description <text>', 'a line about the source')
    .action(async (type: string, opts: { project?: string; name: string; description?: string }) => (await import('./source-run')).addSource(type, opts, io));
}

/**
 * The subcommands of `dango source`, in help order. A new subcommand joins with one entry here
 * (a function that adds itself to the `source` command).
 */
export const SOURCE_SUBCOMMANDS: Array<(source: Command, io: CliIo) => void> = [registerSourceList, registerSourceAdd, registerSourceCheck];

/** `dango source ...`: the command group for sources. */
export function registerSource(program: Command, io: CliIo): Command {
  const source = program.command('source').description('list, add and check sources');
  for (const register of SOURCE_SUBCOMMANDS) register(source, io);
  return source;
}
