import path from 'node:path';
import type { ProjectConfig } from '../config';
import { fileSourceSpec, patternMatcher } from '../sources/file-source';
import { isInside } from './watch-paths';

/** Where a file-based source reads its files from, as the sources module itself resolves it. */
interface FileSourceLocation {
  name: string;
  directory: string;
  matches(relativePath: string): boolean;
}

function fileLocation(config: ProjectConfig, source: ProjectConfig['sources'][number]): FileSourceLocation | null {
  try {
    const spec = fileSourceSpec(source, config.root);
    return { name: source.name, directory: spec.directory, matches: patternMatcher(spec.pattern) };
  } catch {
    return null; // not a file source (API, database): file drops never concern it
  }
}

/** Names of the enabled sources whose directory and file pattern cover at least one of `files` (absolute paths), in config order. */
export function sourcesForFiles(config: ProjectConfig, files: Iterable<string>): string[] {
  const locations = config.sources
    .filter((s) => s.enabled)
    .map((s) => fileLocation(config, s))
    .filter((l): l is FileSourceLocation => l !== null);
  const hit = new Set<string>();
  for (const file of files) {
    for (const loc of locations) {
      if (hit.has(loc.name) || !isInside(loc.directory, file)) continue;
      if (loc.matches(path.relative(loc.directory, file).split(path.sep).join('/'))) hit.add(loc.name);
    }
  }
  return config.sources.map((s) => s.name).filter((n) => hit.has(n));
}
