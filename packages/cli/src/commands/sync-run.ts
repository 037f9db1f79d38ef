import { DangoError, errorMessage, parseDbtVars, resolveSyncOptions, type SourceSummary } from '@dango/core';
import type { SyncOutcome } from '../backend';
import { formatCount, formatSeconds, plural } from '../format';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { withBackend } from '../open-backend';
import { Progress } from '../progress';
import { SyncProgressView } from '../sync-progress';
import { resolveProjectDir } from '../project';

/** The options of `dango sync`. */
export interface SyncFlags {
  project?: string;
  fullRefresh?: boolean;
  startDate?: string;
  endDate?: string;
  /** dbt's `--vars` for the models the syncs run: YAML or JSON text. */
  vars?: string;
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

/** Runs `dango sync`: one progress line per source, a summary, and the exit status of `syncExitCode`. */
export async function runSync(names: string[], opts: SyncFlags, io: CliIo): Promise<void> {
  const root = resolveProjectDir(opts.project);
  const vars = parseDbtVars(opts.vars);
  const options = { fullRefresh: opts.fullRefresh ?? false, startDate: opts.startDate ?? null, endDate: opts.endDate ?? null, ...(vars ? { vars } : {}) };
  // Every option is checked before anything says "syncing" (start after end included), in the flags' words.
  try {
    resolveSyncOptions(options);
  } catch (err) {
    throw new DangoError('BAD_REQUEST', errorMessage(err).replace(/\bstart_date\b/g, '--start-date').replace(/\bend_date\b/g, '--end-date'));
  }
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
      const view = new SyncProgressView(progress, io.live);
      const outcome = await backend.sync(name, options, (event) => {
        if (event.type === 'sync_progress') view.update(event);
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
}
