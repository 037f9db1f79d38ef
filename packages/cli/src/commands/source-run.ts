import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { DangoError, loadProjectConfig, projectPaths, SOURCE_NAME_RE } from '@dango/core';
import { formatTable } from '../format';
import type { CliIo } from '../io';
import { resolveProjectDir } from '../project';
import { addSourceBlock } from '../source-block';

/** Runs `dango source list`. */
export async function listSources(opts: { project?: string; json?: boolean }, io: CliIo): Promise<void> {
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
}

/** Runs `dango source add <type>`. */
export async function addSource(type: string, opts: { project?: string; name: string; description?: string }, io: CliIo): Promise<void> {
  if (!SOURCE_NAME_RE.test(opts.name)) throw new DangoError('BAD_REQUEST', `Invalid source name '${opts.name}': use lower case letters, digits and underscores, starting with a letter`);
  const file = projectPaths(resolveProjectDir(opts.project)).sourcesFile;
  const text = addSourceBlock(existsSync(file) ? readFileSync(file, 'utf8') : null, type, opts.name, opts.description);
  // Written whole and renamed, so a crash never leaves half a config.
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
  io.out(`Added source '${opts.name}' (${type}) to .dango/sources.yml; edit its block there, then run \`dango sync ${opts.name}\``);
}
