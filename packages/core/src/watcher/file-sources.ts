import path from 'node:path';
import type { ProjectConfig } from '../config';
import { fileSourceSpec, patternMatcher } from '../sources/file-source';
import { isInside } from './watch-paths';

/** Where a file-based source reads its files from, as the sources module itself resolves it. */
export interface FileSourceLocation {
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

/** The directory and file pattern of every enabled file source, in config order. */
export function fileSourceLocations(config: ProjectConfig): FileSourceLocation[] {
  return config.sources
    .filter((s) => s.enabled)
    .map((s) => fileLocation(config, s))
    .filter((l): l is FileSourceLocation => l !== null);
}

/** True when `file` (absolute) is in the source's directory and matches its file pattern. */
export function coversFile(loc: FileSourceLocation, file: string): boolean {
  return isInside(loc.directory, file) && loc.matches(path.relative(loc.directory, file).split(path.sep).join('/'));
}

/** Names of the enabled sources whose directory and file pattern cover at least one of `files` (absolute paths), in config order. */
export function sourcesForFiles(config: ProjectConfig, files: Iterable<string>): string[] {
  const locations = fileSourceLocations(config);
  const hit = new Set<string>();
  for (const file of files) {
    for (const loc of locations) if (!hit.has(loc.name) && coversFile(loc, file)) hit.add(loc.name);
  }
  return config.sources.map((s) => s.name).filter((n) => hit.has(n));
}
