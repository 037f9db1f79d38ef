import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { DangoError } from '../../errors';
import { runChild } from '../../node/run-child';

export { dbtArgs, type DbtCommand, type DbtSelection } from './dbt-args';

/** How to run the real dbt binary on a project. */
export interface RunDbtCliOptions {
  /** `dbt`, an absolute path, or a path relative to the current directory. */
  executable: string;
  /** The dbt project folder; also the profiles folder and the working directory (dbt-duckdb resolves `path` from it). */
  dbtDir: string;
  /** The command line from `dbtArgs`, e.g. `['run', '--select', 'stg_x+']`. */
  args: string[];
  /** Extra environment on top of this process's. */
  env?: Record<string, string>;
  /** Receives each line dbt prints, stdout and stderr interleaved as they arrive. */
  onLine?: (line: string) => void;
  /** Aborting kills dbt (SIGTERM, then SIGKILL) and rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What a finished dbt invocation left behind. */
export interface DbtCliResult {
  exitCode: number;
  /** `target/run_results.json` as dbt wrote it during this invocation, or null when it wrote none. */
  runResults: unknown | null;
}

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i >= 0 && i + 1 < args.length) return args[i + 1];
  return args.find((a) => a.startsWith(`${flag}=`))?.slice(flag.length + 1);
}

/** Where dbt writes artifacts: `--target-path`, then `DBT_TARGET_PATH`, then `target-path` in dbt_project.yml, then `target`. */
async function targetDir(dbtDir: string, args: string[], env: Record<string, string | undefined>): Promise<string> {
  let configured = flagValue(args, '--target-path') ?? env.DBT_TARGET_PATH;
  if (!configured) {
    try {
      const project = parse(await readFile(path.join(dbtDir, 'dbt_project.yml'), 'utf8')) as { 'target-path'?: unknown } | null;
      if (typeof project?.['target-path'] === 'string') configured = project['target-path'];
    } catch {
      // No readable dbt_project.yml: dbt itself will report that; the default location still applies.
    }
  }
  return path.resolve(dbtDir, configured || 'target');
}

async function fileStamp(file: string): Promise<string | null> {
  try {
    const s = await stat(file);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  } catch {
    return null;
  }
}

/** run_results.json only if this invocation wrote it: a stale file from an earlier run must not pass as this run's outcome. */
async function freshRunResults(file: string, before: string | null, onLine?: (line: string) => void): Promise<unknown | null> {
  const after = await fileStamp(file);
  if (after === null || after === before) return null;
  try {
    return JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    onLine?.(`Dango: could not read ${file}: ${(err as Error).message}`);
    return null;
  }
}

function withProjectFlags(args: string[], dbtDir: string): string[] {
  const extra: string[] = [];
  if (flagValue(args, '--project-dir') === undefined) extra.push('--project-dir', dbtDir);
  if (flagValue(args, '--profiles-dir') === undefined) extra.push('--profiles-dir', dbtDir);
  return [...args, ...extra];
}

function resolveExecutable(executable: string): string {
  // dbt runs with cwd = dbtDir, so a relative path must be pinned to the caller's directory first.
  return executable.includes('/') || executable.includes(path.sep) ? path.resolve(executable) : executable;
}

/** Runs the real `dbt` executable on `dbtDir`, streaming its output and reading back `run_results.json`. */
export async function runDbtCli(options: RunDbtCliOptions): Promise<DbtCliResult> {
  const { executable, args, onLine, signal } = options;
  signal?.throwIfAborted();
  if (!executable.trim()) throw new DangoError('CONFIG_INVALID', 'dbt executable is empty: install dbt-duckdb or set platform.transform_engine: embedded');
  const dbtDir = path.resolve(options.dbtDir);
  // A missing cwd also surfaces as ENOENT from spawn, which would wrongly blame the executable.
  if (!(await stat(dbtDir).then((s) => s.isDirectory(), () => false))) {
    throw new DangoError('CONFIG_INVALID', `dbt project folder ${dbtDir} does not exist`);
  }
  const env = { DBT_USE_COLORS: 'false', ...options.env };
  const runResultsFile = path.join(await targetDir(dbtDir, args, { ...process.env, ...env }), 'run_results.json');
  const before = await fileStamp(runResultsFile);

  // A throwing onLine stops dbt (runChild rejects with its error), so dbt never runs unattended.
  const result = await runChild(resolveExecutable(executable), withProjectFlags(args, dbtDir), { cwd: dbtDir, env, onLine, signal });
  if (result.canceled) throw signal?.reason ?? new DangoError('INTERNAL', 'dbt run was cancelled');
  if (result.spawnError === 'ENOENT') {
    throw new DangoError('CONFIG_INVALID', `dbt executable "${executable}" not found: install dbt-duckdb or set platform.transform_engine: embedded`);
  }
  if (result.spawnError === 'EACCES') {
    throw new DangoError('CONFIG_INVALID', `dbt executable "${executable}" is not executable (check its permissions)`);
  }
  return { exitCode: result.exitCode, runResults: await freshRunResults(runResultsFile, before, onLine) };
}
