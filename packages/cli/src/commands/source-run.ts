import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { DangoError, errorMessage, loadProjectConfig, projectPaths, resolveInProject, SOURCE_NAME_RE } from '@dango/core';
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

/** Writes `text` whole and renames it into place, so a crash never leaves half a config. */
function writeAtomic(file: string, text: string): void {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

/**
 * Runs `dango source add <type>`: appends the type's commented block, then loads the whole project
 * config as a sync would (the connector's own schema included); if that fails, the file is put back.
 */
export async function addSource(type: string, opts: { project?: string; name: string; description?: string }, io: CliIo): Promise<void> {
  if (!SOURCE_NAME_RE.test(opts.name)) throw new DangoError('BAD_REQUEST', `Invalid source name '${opts.name}': use lower case letters, digits and underscores, starting with a letter`);
  const root = resolveProjectDir(opts.project);
  const file = projectPaths(root).sourcesFile;
  const before = existsSync(file) ? readFileSync(file, 'utf8') : null;
  writeAtomic(file, addSourceBlock(before, type, opts.name, opts.description));
  let config;
  try {
    config = await loadProjectConfig(root);
  } catch (err) {
    if (before === null) rmSync(file, { force: true });
    else writeAtomic(file, before);
    throw new DangoError('CONFIG_INVALID', `Did not add source '${opts.name}': ${errorMessage(err)} (.dango/sources.yml is unchanged)`);
  }
  const added = config.sources.find((s) => s.name === opts.name);
  const directory = (added?.[type] as { directory?: unknown } | undefined)?.directory;
  // A file source reads its folder on every sync: created now, so the first sync finds it.
  if (typeof directory === 'string') mkdirSync(resolveInProject(root, directory), { recursive: true });
  io.out(`Added source '${opts.name}' (${type}) to .dango/sources.yml; edit its block there, then run \`dango source check ${opts.name}\` and \`dango sync ${opts.name}\``);
}
