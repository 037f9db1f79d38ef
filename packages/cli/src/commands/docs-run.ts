import path from 'node:path';
import { DangoError, DangoPlatform, parseDbtVars, type SelectionOptions } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import type { CliIo } from '../io';
import { resolveProjectDir } from '../project';
import { runCommandRemotely } from '../remote-run';

/** Writes the docs artifacts in this process and returns their paths relative to the project. */
async function generateLocally(root: string, options: SelectionOptions): Promise<string[]> {
  const platform = await DangoPlatform.open({ projectDir: root });
  try {
    const written = await platform.generateDocs(options);
    return [written.manifest, written.catalog].map((f) => path.relative(root, f));
  } finally {
    await platform.close();
  }
}

/** Runs `dango docs generate`, through a running server when there is one. */
export async function runDocsGenerate(opts: { project?: string; vars?: string }, io: CliIo): Promise<void> {
  const root = resolveProjectDir(opts.project);
  const vars = parseDbtVars(opts.vars);
  const options: SelectionOptions = vars ? { vars } : {};
  const server = await detectServer(root);
  let files: string[];
  if (server) {
    io.out(`Using the running server at ${server.url}`);
    const run = await runCommandRemotely(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), 'docs generate', options);
    if (run.status !== 'success') throw new DangoError('INTERNAL', run.error ?? 'dbt docs generate failed');
    files = run.artifacts;
  } else {
    files = await generateLocally(root, options);
  }
  for (const f of files) io.out(`Wrote ${f}`);
}
