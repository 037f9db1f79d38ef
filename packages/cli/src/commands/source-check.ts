import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** `dango source check <name>`: connects and lists what a sync would load, without loading; exits 1 when it cannot. */
export function registerSourceCheck(source: Command, io: CliIo): void {
  withProjectOption(source.command('check <name>'))
    .description('connect to a source and list the tables (and files) a sync would load, without loading')
    .action(async (name: string, opts: { project?: string }) => (await import('./source-check-run')).runSourceCheck(name, opts, io));
}
