import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { DangoError, loadProjectConfig, projectPaths, SOURCE_NAME_RE } from '@dango/core';
import { formatTable } from '../format';
import type { CliIo } from '../io';
import { withProjectOption } from '../options';
import { resolveProjectDir } from '../project';
import { addSourceBlock, SOURCE_TEMPLATES } from '../source-block';
import { registerSourceCheck } from './source-check';

/** `dango source list`: the configured sources, from `.dango/sources.yml` (no warehouse needed). */
function registerSourceList(source: Command, io: CliIo): void {
  withProjectOption(source.command('list'))
    .description('list the sources configured in .dango/sources.yml')
    .option('--json', 'print JSON')
    .action(async (opts: { project?: string; json?: boolean }) => {
      const config = await loadProjectConfig(resolveProjectDir(opts.project));
      if (opts.json) {
        io.out(JSON.stringify(config.sources.map((s) => ({ name: s.name, type: s.type, enabled: s.enabled, description: s.description ?? null })), null, 2));
        return;
      }
      if (config.sources.length === 0) {
        io.out('No sources configured (add one with `dango source add csv --name <name>`)');
        return;
      }
      const rows = config.sources.map((s) => [s.name, s.type, s.enabled ? 'yes' : 'no', s.description ?? '']);
      for (const line of formatTable(['NAME', 'TYPE', 'ENABLED', 'DESCRIPTION'], rows)) io.out(line);
    });
}

/** `dango source add <type> --name <name>`: appends a commented, validated block to sources.yml, keeping the file's comments. */
function registerSourceAdd(source: Command, io: CliIo): void {
  withProjectOption(source.command('add <type>'))
    .description(`add a source to .dango/sources.yml with a commented block for its type (${Object.keys(SOURCE_TEMPLATES).join(', ')})`)
    .requiredOption('--name <name>', 'the source name (lower case, digits, underscores)')
    .option('--description <text>', 'a line about the source')
    .action(async (type: string, opts: { project?: string; name: string; description?: string }) => {
      if (!SOURCE_NAME_RE.test(opts.name)) throw new DangoError('BAD_REQUEST', `Invalid source name '${opts.name}': use lower case letters, digits and underscores, starting with a letter`);
      const file = projectPaths(resolveProjectDir(opts.project)).sourcesFile;
      const text = addSourceBlock(existsSync(file) ? readFileSync(file, 'utf8') : null, type, opts.name, opts.description);
      // Written whole and renamed, so a crash never leaves half a config.
      writeFileSync(`${file}.tmp`, text);
      renameSync(`${file}.tmp`, file);
      io.out(`Added source '${opts.name}' (${type}) to .dango/sources.yml; edit its block there, then run \`dango sync ${opts.name}\``);
    });
}

/**
 * The subcommands of `dango source`, in help order. A new subcommand joins with one entry here
 * (a function that adds itself to the `source` command).
 */
export const SOURCE_SUBCOMMANDS: Array<(source: Command, io: CliIo) => void> = [registerSourceList, registerSourceAdd, registerSourceCheck];

/** `dango source ...`: the command group for sources. */
export function registerSource(program: Command, io: CliIo): Command {
  const source = program.command('source').description('list, add and check sources');
  for (const register of SOURCE_SUBCOMMANDS) register(source, io);
  return source;
}
