import type { Command } from 'commander';
import type { DbtCommandName } from '@dango/core';
import type { CliIo } from '../io';
import { intOption, listOption, withProjectOption } from '../options';

/** The platform method behind a transform command. */
export type Method = 'seed' | 'transform' | 'test' | 'build' | 'compile' | 'snapshot';

/** A transform command: its CLI name, platform method and help. */
export interface TransformCommand {
  name: Exclude<DbtCommandName, 'docs generate'>;
  method: Method;
  description: string;
  fullRefresh: boolean;
}

/** The transform commands, in help order. */
export const COMMANDS: TransformCommand[] = [
  { name: 'seed', method: 'seed', description: 'load the CSV seeds of the dbt project', fullRefresh: true },
  { name: 'run', method: 'transform', description: 'run the selected models (default: all)', fullRefresh: true },
  { name: 'test', method: 'test', description: 'run the data tests of the selected models', fullRefresh: false },
  { name: 'snapshot', method: 'snapshot', description: 'run the snapshots of the dbt project (slowly changing dimensions)', fullRefresh: false },
  { name: 'build', method: 'build', description: 'seed, run, snapshot and test in graph order', fullRefresh: true },
  { name: 'compile', method: 'compile', description: 'compile the selected models to dbt/target/compiled/ without running them', fullRefresh: false },
];

/** The options of a transform command. */
export interface Flags {
  project?: string;
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  threads?: number;
  /** dbt's `--vars`: YAML or JSON text. */
  vars?: string;
}

/** `dango seed|run|test|build|compile`: dbt-like node lines, a summary, non-zero exit on failure; through a running server when there is one. */
export function registerTransformCommands(program: Command, io: CliIo): void {
  for (const spec of COMMANDS) {
    const cmd = withProjectOption(program.command(spec.name))
      .description(spec.description)
      .option('-s, --select <selector...>', 'dbt selectors: name, name+, +name, tag:x, source:x+, path:models/marts', listOption)
      .option('--exclude <selector...>', 'selectors to leave out', listOption)
      .option('--threads <n>', 'models run at once', intOption(1, 64))
      .option('--vars <yaml>', "values for var() over dbt_project.yml vars, as YAML or JSON: '{key: value}'");
    if (spec.fullRefresh) cmd.option('--full-refresh', 'rebuild incremental models and seeds from scratch');
    cmd.action(async (opts: Flags) => (await import('./transform-run')).runTransform(spec, opts, io));
  }
}
