import type { Command } from 'commander';
import type { CliIo } from '../io';
import { intOption, withProjectOption } from '../options';

/** `dango logs`: the newest activity-log lines, oldest first. */
export function registerLogs(program: Command, io: CliIo): void {
  withProjectOption(program.command('logs'))
    .description('show the activity log (newest last)')
    .option('--limit <n>', 'how many lines', intOption(1, 100_000), 100)
    .option('--source <name>', 'only lines about this source')
    .option('--json', 'print JSON lines')
    .action(async (opts: { project?: string; limit: number; source?: string; json?: boolean }) => {
      const [{ resolveProjectDir }, { withBackend }] = await Promise.all([import('../project'), import('../open-backend')]);
      const root = resolveProjectDir(opts.project);
      const entries = await withBackend(root, io, (backend) => backend.logs({ limit: opts.limit, source: opts.source }), { readOnly: true });
      if (entries.length === 0 && !opts.json) io.out('No log entries yet');
      for (const e of entries) io.out(opts.json ? JSON.stringify(e) : `${e.timestamp}  ${e.level.padEnd(7)}  ${e.message}`);
    });
}
