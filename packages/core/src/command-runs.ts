import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { PlatformContext } from './context';
import { DangoError, errorMessage } from './errors';
import { nowIso } from './events';
import type { TransformResult } from './transform/types';

/** The dbt commands that can be started in the background (`POST /api/dbt/{command}`). */
export type DbtCommandName = 'run' | 'build' | 'test' | 'seed' | 'compile' | 'snapshot' | 'docs generate';

/** A background dbt command and, once it ended, its outcome (`GET /api/dbt/runs/{run_id}`). */
export interface CommandRun {
  run_id: string;
  command: DbtCommandName;
  status: 'running' | 'success' | 'error';
  started_at: string;
  finished_at: string | null;
  /** The node results (null while running, for `docs generate`, and when the command failed before any node). */
  result: TransformResult | null;
  /** Files the command wrote, relative to the project (`docs generate`). */
  artifacts: string[];
  /** Why the command failed before or outside its nodes (e.g. a project that does not compile). */
  error: string | null;
}

/** A background command that has started; `done` settles with its finished record and never rejects. */
export interface StartedCommand {
  run_id: string;
  command: DbtCommandName;
  started_at: string;
  done: Promise<CommandRun>;
}

/** What a command does: a transform run's result, or the files it wrote. */
export type CommandWork = () => Promise<TransformResult | { files: string[] }>;

/** How many finished commands stay readable by id. */
const KEEP_FINISHED = 50;

/**
 * Background dbt commands started through the API or the CLI against a running server: one at a
 * time (a second start while one runs is a CONFLICT), each answered at once with a run id, reported
 * on the event stream while it runs and ended by one `dbt_command_completed` event.
 */
export class CommandRuns {
  private readonly runs = new Map<string, CommandRun>();
  private active: Promise<CommandRun> | null = null;
  private activeRun: CommandRun | null = null;

  constructor(private readonly ctx: PlatformContext) {}

  /** Starts `work` as `command`; throws CONFLICT while another command runs. */
  start(command: DbtCommandName, work: CommandWork): StartedCommand {
    if (this.activeRun) {
      throw new DangoError('CONFLICT', `dbt ${this.activeRun.command} is already running (run ${this.activeRun.run_id}, started ${this.activeRun.started_at})`);
    }
    const run: CommandRun = { run_id: randomUUID(), command, status: 'running', started_at: nowIso(), finished_at: null, result: null, artifacts: [], error: null };
    this.remember(run);
    this.activeRun = run;
    const done = this.finish(run, work);
    this.active = done;
    return { run_id: run.run_id, command, started_at: run.started_at, done };
  }

  /** A command's record; NOT_FOUND for an unknown or long-forgotten id. */
  get(runId: string): CommandRun {
    const run = this.runs.get(runId);
    if (!run) throw new DangoError('NOT_FOUND', `No dbt command run '${runId}' (the last ${KEEP_FINISHED} are kept)`);
    return run;
  }

  /** Waits for the running command, if any. */
  async close(): Promise<void> {
    await this.active;
  }

  private async finish(run: CommandRun, work: CommandWork): Promise<CommandRun> {
    try {
      const out = await work();
      if ('files' in out) run.artifacts = out.files.map((f) => path.relative(this.ctx.root, f));
      else run.result = out;
      run.status = 'files' in out || out.success ? 'success' : 'error';
    } catch (err) {
      run.status = 'error';
      run.error = errorMessage(err);
    } finally {
      run.finished_at = nowIso();
      this.activeRun = null;
      this.active = null;
    }
    const failed = run.result?.results.filter((r) => r.status === 'error' || r.status === 'fail').length ?? 0;
    const message = run.status === 'success' ? `dbt ${run.command} finished (run ${run.run_id})`
      : `dbt ${run.command} failed (run ${run.run_id}): ${run.error ?? `${failed} node${failed === 1 ? '' : 's'} failed`}`;
    this.ctx.emit('dbt_command_completed', { run_id: run.run_id, command: run.command, success: run.status === 'success', message });
    return run;
  }

  private remember(run: CommandRun): void {
    this.runs.set(run.run_id, run);
    for (const id of this.runs.keys()) {
      if (this.runs.size <= KEEP_FINISHED) break;
      if (this.runs.get(id)!.status !== 'running') this.runs.delete(id);
    }
  }
}
