import path from 'node:path';
import picomatch from 'picomatch';
import { resolveInProject, type ProjectConfig, type SourceConfig } from '../config';
import { isInside } from './watch-paths';

/** Where a file-based source reads its files from. */
export interface FileSourceLocation {
  name: string;
  directory: string;
  matches(relativePath: string): boolean;
}

/**
 * The file location of a source, or null when it does not read files. File connectors keep
 * `{directory, file_pattern}` under the key named by their type (`csv: {...}`), so this also
 * covers file types added later.
 */
function fileLocation(root: string, source: SourceConfig): FileSourceLocation | null {
  const block = source[source.type];
  if (!block || typeof block !== 'object') return null;
  const { directory, file_pattern: pattern } = block as { directory?: unknown; file_pattern?: unknown };
  if (typeof directory !== 'string') return null;
  const glob = typeof pattern === 'string' ? pattern : '*';
  const isMatch = picomatch(glob, { dot: false });
  return { name: source.name, directory: resolveInProject(root, directory), matches: (rel) => isMatch(rel) };
}

/** Names of the enabled sources whose directory and file pattern cover at least one of `files` (absolute paths). */
export function sourcesForFiles(config: ProjectConfig, files: Iterable<string>): string[] {
  const locations = config.sources
    .filter((s) => s.enabled)
    .map((s) => fileLocation(config.root, s))
    .filter((l): l is FileSourceLocation => l !== null);
  const hit = new Set<string>();
  for (const file of files) {
    for (const loc of locations) {
      if (hit.has(loc.name) || !isInside(loc.directory, file)) continue;
      const rel = path.relative(loc.directory, file).split(path.sep).join('/');
      if (loc.matches(rel)) hit.add(loc.name);
    }
  }
  return config.sources.map((s) => s.name).filter((n) => hit.has(n));
}
