import type { Command } from 'commander';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';

/** `dango docs generate`: writes the dbt docs artifacts (manifest and catalog), through a running server when there is one. */
export function registerDocs(program: Command, io: CliIo): void {
  const docs = program.command('docs').description('dbt documentation');
  withProjectOption(docs.command('generate'))
    .description('write dbt/target/manifest.json and catalog.json (served at /dbt-docs/ by dango start)')
    .option('--vars <yaml>', "values for var() over dbt_project.yml vars, as YAML or JSON: '{key: value}'")
    .action(async (opts: { project?: string; vars?: string }) => (await import('./docs-run')).runDocsGenerate(opts, io));
}
