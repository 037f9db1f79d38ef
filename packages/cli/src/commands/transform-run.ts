import { DangoError, DangoPlatform, parseDbtVars, type ModelInfo, type SelectionOptions, type TransformResult } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import { EXIT } from '../exit-codes';
import { CliExit, type CliIo } from '../io';
import { resolveProjectDir } from '../project';
import { runCommandRemotely } from '../remote-run';
import { printTransformResult, transformFailed } from '../transform-report';
import type { Flags, Method, TransformCommand } from './transform';

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

/** Runs one transform command, through a running server when there is one. */
export async function runTransform(spec: TransformCommand, opts: Flags, io: CliIo): Promise<void> {
const root = resolveProjectDir(opts.project);
const vars = parseDbtVars(opts.vars);
const options: SelectionOptions = { select: opts.select, exclude: opts.exclude, fullRefresh: opts.fullRefresh, threads: opts.threads, ...(vars ? { vars } : {}) };
const server = await detectServer(root);
if (server) io.out(`Using the running server at ${server.url}`);
const { result, models } = server
  ? await runOnServer(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), spec.name, options)
  : await runLocally(root, spec.method, options);
if (result.results.length === 0 && options.select?.length) throw new DangoError('BAD_REQUEST', noMatchMessage(options));
printTransformResult(io, result, models, spec.method === 'compile' ? 'compile' : 'run');
if (transformFailed(result)) throw new CliExit(EXIT.failed);
}
