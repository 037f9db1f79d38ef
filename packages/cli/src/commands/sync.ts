import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';
import type { SyncFlags } from './sync-run';

/** `dango sync [source...]`: loads new and changed data, one progress line per source and a summary. */
export function registerSync(program: Command, io: CliIo): void {
  withProjectOption(program.command('sync [sources...]'))
    .description('sync the named sources (default: every enabled source)')
    .option('--full-refresh', 'rebuild the tables from scratch')
    .option('--start-date <date>', 'load from this date (YYYY-MM-DD), for sources that support it')
    .option('--end-date <date>', 'load up to this date (YYYY-MM-DD)')
    .option('--vars <yaml>', "values for var() in the models the sync runs, as YAML or JSON: '{key: value}'")
    // Loaded on use, so `dango --help` and other commands never load the platform.
    .action(async (names: string[], opts: SyncFlags) => (await import('./sync-run')).runSync(names, opts, io));
}
