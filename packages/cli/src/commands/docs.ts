import path from 'node:path';
import type { Command } from 'commander';
import { DangoError, DangoPlatform } from '@dango/core';
import { ApiClient } from '../api-client';
import { detectServer } from '../detect-server';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';
import { resolveProjectDir } from '../project';
import { runCommandRemotely } from '../remote-run';

/** Writes the docs artifacts in this process and returns their paths relative to the project. */
async function generateLocally(root: string): Promise<string[]> {
  const platform = await DangoPlatform.open({ projectDir: root });
  try {
    const written = await platform.generateDocs();
    return [written.manifest, written.catalog].map((f) => path.relative(root, f));
  } finally {
    await platform.close();
  }
}

/** `dango docs generate`: writes the dbt docs artifacts (manifest and catalog), through a running server when there is one. */
export function registerDocs(program: Command, io: CliIo): void {
  const docs = program.command('docs').description('dbt documentation');
  withProjectOption(docs.command('generate'))
    .description('write dbt/target/manifest.json and catalog.json (served at /dbt-docs/ by dango start)')
    .action(async (opts: { project?: string }) => {
      const root = resolveProjectDir(opts.project);
      const server = await detectServer(root);
      let files: string[];
      if (server) {
        io.out(`Using the running server at ${server.url}`);
        const run = await runCommandRemotely(new ApiClient(server.url, io.env.DANGO_API_TOKEN || undefined), 'docs generate', {});
        if (run.status !== 'success') throw new DangoError('INTERNAL', run.error ?? 'dbt docs generate failed');
        files = run.artifacts;
      } else {
        files = await generateLocally(root);
      }
      for (const f of files) io.out(`Wrote ${f}`);
    });
}
