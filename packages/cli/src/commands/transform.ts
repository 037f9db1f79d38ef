import type { Command } from 'commander';
import { DangoPlatform, type SelectionOptions, type TransformResult } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import { CliExit, type CliIo } from '../io';
import { requireNoServer } from '../open-backend';
import { intOption, listOption, withProjectOption } from '../options';
import { resolveProjectDir } from '../project';
import { runModelsRemotely } from '../remote-run';
import { printTransformResult, transformFailed } from '../transform-report';

type Method = 'seed' | 'transform' | 'test' | 'build' | 'compile';

interface TransformCommand {
  name: string;
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

/** `dango seed|run|test|build|compile`: dbt-like node lines, a summary, non-zero exit on failure. */
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
      const server = spec.method === 'transform' ? await detectServer(root) : null;
      if (server) io.out(`Using the running server at ${server.url}`);
      else await requireNoServer(root, spec.name);
      const { result, models } = server
        ? await runModelsRemotely(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), options)
        : await runLocally(root, spec.method, options);
      printTransformResult(io, result, models, spec.method === 'compile' ? 'compile' : 'run');
      if (transformFailed(result)) throw new CliExit(1);
    });
  }
}
