import type { Command } from 'commander';
import { DangoError, DangoPlatform, type DbtCommandName, type ModelInfo, type SelectionOptions, type TransformResult } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { intOption, listOption, withProjectOption } from '../options';
import { resolveProjectDir } from '../project';
import { runCommandRemotely } from '../remote-run';
import { printTransformResult, transformFailed } from '../transform-report';

type Method = 'seed' | 'transform' | 'test' | 'build' | 'compile';

interface TransformCommand {
  name: Exclude<DbtCommandName, 'docs generate'>;
  method: Method;
  description: string;
  fullRefresh: boolean;
}

const COMMANDS: TransformCommand[] = [
  { name: 'seed', method: 'seed', description: 'load the CSV seeds of the dbt project', fullRefresh: true },
  { name: 'run', method: 'transform', description: 'run the selected models (default: all)', fullRefresh: true },
  { name: 'test', method: 'test', description: 'run the data tests of the selected models', fullRefresh: false },
  { name: 'build', method: 'build', description: 'seed, run and test in graph order', fullRefresh: true },
  { name: 'compile', method: 'compile', description: 'compile the selected models to dbt/target/compiled/ without running them', fullRefresh: false },
];

interface Flags {
  project?: string;
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  threads?: number;
}

/** Names the selection that matched nothing, e.g. `--select typo matched no nodes`. */
export function noMatchMessage(options: SelectionOptions): string {
  const select = `--select ${options.select!.join(' ')}`;
  return options.exclude?.length
    ? `${select} --exclude ${options.exclude.join(' ')} left no nodes to run`
    : `${select} matched no nodes (names, name+, +name, tag:x, source:x+ and path:dir select models, seeds and tests)`;
}

/** Runs one transform method in this process, with the platform opened and closed around it. */
async function runLocally(root: string, method: Method, options: SelectionOptions) {
  const platform = await DangoPlatform.open({ projectDir: root });
  try {
    const result: TransformResult = await platform[method](options);
    return { result, models: await platform.listModels() };
  } finally {
    await platform.close();
  }
}

/** Runs the command on a running server; a command that failed before any node is reported as an error. */
async function runOnServer(client: ApiClient, command: TransformCommand['name'], options: SelectionOptions) {
  const run = await runCommandRemotely(client, command, options);
  if (!run.result) throw new DangoError('INTERNAL', run.error ?? `dbt ${command} failed`);
  const { models } = await client.get<{ models: ModelInfo[] }>('/api/dbt/models');
  return { result: run.result, models };
}

/** `dango seed|run|test|build|compile`: dbt-like node lines, a summary, non-zero exit on failure; through a running server when there is one. */
export function registerTransformCommands(program: Command, io: CliIo): void {
  for (const spec of COMMANDS) {
    const cmd = withProjectOption(program.command(spec.name))
      .description(spec.description)
      .option('-s, --select <selector...>', 'dbt selectors: name, name+, +name, tag:x, source:x+, path:models/marts', listOption)
      .option('--exclude <selector...>', 'selectors to leave out', listOption)
      .option('--threads <n>', 'models run at once', intOption(1, 64));
    if (spec.fullRefresh) cmd.option('--full-refresh', 'rebuild incremental models and seeds from scratch');
    cmd.action(async (opts: Flags) => {
      const root = resolveProjectDir(opts.project);
      const options: SelectionOptions = { select: opts.select, exclude: opts.exclude, fullRefresh: opts.fullRefresh, threads: opts.threads };
      const server = await detectServer(root);
      if (server) io.out(`Using the running server at ${server.url}`);
      const { result, models } = server
        ? await runOnServer(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), spec.name, options)
        : await runLocally(root, spec.method, options);
      if (result.results.length === 0 && options.select?.length) throw new DangoError('BAD_REQUEST', noMatchMessage(options));
      printTransformResult(io, result, models, spec.method === 'compile' ? 'compile' : 'run');
      if (transformFailed(result)) throw new CliExit(EXIT.failed);
    });
  }
}
