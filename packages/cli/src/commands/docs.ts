import path from 'node:path';
import type { Command } from 'commander';
import { DangoPlatform } from '@dango/core';
import type { CliIo } from '../io';
import { requireNoServer } from '../open-backend';
import { withProjectOption } from '../options';
import { resolveProjectDir } from '../project';

/** `dango docs generate`: writes the dbt docs artifacts (manifest and catalog). */
export function registerDocs(program: Command, io: CliIo): void {
  const docs = program.command('docs').description('dbt documentation');
  withProjectOption(docs.command('generate'))
    .description('write dbt/target/manifest.json and catalog.json (served at /dbt-docs/ by dango start)')
    .action(async (opts: { project?: string }) => {
      const root = resolveProjectDir(opts.project);
      await requireNoServer(root, 'docs generate');
      const platform = await DangoPlatform.open({ projectDir: root });
      try {
        const written = await platform.generateDocs();
        io.out(`Wrote ${path.relative(root, written.manifest)}`);
        io.out(`Wrote ${path.relative(root, written.catalog)}`);
      } finally {
        await platform.close();
      }
    });
}
