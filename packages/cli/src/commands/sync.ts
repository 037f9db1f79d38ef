import type { Command } from 'commander';
import { DangoError, resolveSyncOptions, type DangoEvent, type SourceSummary } from '@dango/core';
import type { SyncOutcome } from '../backend';
import { formatCount, formatSeconds, plural } from '../format';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { withBackend } from '../open-backend';
import { dateOption, withProjectOption } from '../options';
import { Progress } from '../progress';
import { resolveProjectDir } from '../project';

interface SyncFlags {
  project?: string;
  fullRefresh?: boolean;
  startDate?: string;
  endDate?: string;
}

/** The sources to sync: the named ones (all must exist), or every enabled one. */
export function pickSources(all: SourceSummary[], names: string[]): string[] {
  if (names.length === 0) return all.filter((s) => s.enabled).map((s) => s.name);
  const unknown = names.filter((n) => !all.some((s) => s.name === n));
  if (unknown.length > 0) {
    const known = all.map((s) => s.name).join(', ') || 'none';
    throw new DangoError('NOT_FOUND', `Unknown source${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (configured: ${known})`);
  }
  return [...new Set(names)];
}

/** The closing summary, e.g. `2 sources synced, 1 failed, 12,345 rows`, plus `; models: 4 ran, 1 failed` when models failed after a load. */
export function syncSummary(outcomes: SyncOutcome[]): string {
  const ok = outcomes.filter((o) => o.ok);
  const rows = ok.reduce((n, o) => n + o.rows, 0);
  const loads = `${plural(ok.length, 'source')} synced, ${formatCount(outcomes.length - ok.length)} failed, ${plural(rows, 'row')}`;
  const ran = ok.reduce((n, o) => n + (o.models?.ran ?? 0), 0);
  const failed = ok.reduce((n, o) => n + (o.models?.failed.length ?? 0) + (o.models?.error && !o.models.failed.length ? 1 : 0), 0);
  // Models are worth a mention in the last line only when they failed: the lines above show the rest.
  if (failed === 0) return loads;
  return `${loads}; models: ${formatCount(ran)} ran, ${formatCount(failed)} failed`;
}

/** The exit status of a sync: a failed load first, then models that failed after a load. */
export function syncExitCode(outcomes: SyncOutcome[]): number {
  if (outcomes.some((o) => !o.ok)) return EXIT.failed;
  if (outcomes.some((o) => o.models && (o.models.failed.length > 0 || o.models.error))) return EXIT.modelsFailed;
  return EXIT.ok;
}

/** The lines that say which models failed after a source's load (none when all passed). */
export function modelFailureLines(outcome: SyncOutcome): string[] {
  const m = outcome.models;
  if (!m) return [];
  if (m.failed.length === 0) return m.error ? [`${outcome.source}: models FAILED: ${m.error}`] : [];
  return m.failed.map((f) => `${outcome.source}: model ${f.model} FAILED: ${f.error.split('\n')[0]}`);
}

function progressText(event: DangoEvent): string | null {
  if (event.type !== 'sync_progress') return null;
  return `  ${event.source}: ${event.message}`;
}

/** `dango sync [source...]`: loads new and changed data, one progress line per source and a summary. */
export function registerSync(program: Command, io: CliIo): void {
  withProjectOption(program.command('sync [sources...]'))
    .description('sync the named sources (default: every enabled source)')
    .option('--full-refresh', 'rebuild the tables from scratch')
    .option('--start-date <date>', 'load from this date (YYYY-MM-DD), for sources that support it', dateOption)
    .option('--end-date <date>', 'load up to this date (YYYY-MM-DD)', dateOption)
    .action(async (names: string[], opts: SyncFlags) => {
      const root = resolveProjectDir(opts.project);
      const options = { fullRefresh: opts.fullRefresh ?? false, startDate: opts.startDate ?? null, endDate: opts.endDate ?? null };
      // Every option is checked before anything says "syncing" (start after end included).
      resolveSyncOptions(options);
      const outcomes = await withBackend(root, io, async (backend) => {
        if (backend.serverUrl) io.out(`Using the running server at ${backend.serverUrl}`);
        const selected = pickSources(await backend.listSources(), names);
        if (selected.length === 0) {
          io.out('No enabled sources to sync (add one to .dango/sources.yml)');
          return [];
        }
        const done: SyncOutcome[] = [];
        // One at a time: the output reads top to bottom and loads do not compete for the write queue.
        for (const name of selected) {
          const progress = new Progress(io);
          progress.line(`${name}: syncing${options.fullRefresh ? ' (full refresh)' : ''}...`);
          const outcome = await backend.sync(name, options, (event) => {
            const text = progressText(event);
            if (text) progress.update(text);
          });
          progress.line(outcome.ok
            ? `${name}: synced ${plural(outcome.rows, 'row')} in ${formatSeconds(outcome.seconds)}`
            : `${name}: FAILED: ${outcome.error ?? 'unknown error'}`);
          for (const line of modelFailureLines(outcome)) io.out(line);
          done.push(outcome);
        }
        return done;
      });
      if (outcomes.length === 0) return;
      io.out(syncSummary(outcomes));
      const code = syncExitCode(outcomes);
      if (code !== EXIT.ok) throw new CliExit(code);
    });
}
