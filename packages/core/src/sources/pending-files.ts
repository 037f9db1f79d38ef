import type { SourceConfig } from '../config';
import type { Warehouse } from '../warehouse';
import { fileSourceSpec, scanFiles } from './file-source';
import { diskFileStatus } from './file-listing';
import { readTrackedOf } from './file-tracking';

function isFileSource(source: SourceConfig, root: string): boolean {
  try {
    fileSourceSpec(source, root);
    return true;
  } catch {
    return false;
  }
}

/**
 * Files on disk that are not loaded as they are now (new, changed, or left by a sync that died), per
 * source: one tracking query for all the given sources plus a directory scan each, so the sources
 * list stays a constant number of queries. Sources without files count 0; an unreadable folder too.
 */
export async function countPendingFiles(sources: SourceConfig[], root: string, warehouse: Warehouse): Promise<Map<string, number>> {
  const counts = new Map<string, number>(sources.map((s) => [s.name, 0]));
  const withFiles = sources.filter((s) => isFileSource(s, root));
  if (withFiles.length === 0) return counts;
  const tracked = await readTrackedOf(warehouse.query.bind(warehouse) as never, withFiles.map((s) => s.name));
  await Promise.all(
    withFiles.map(async (source) => {
      const disk = await scanFiles(fileSourceSpec(source, root)).catch(() => []);
      const known = tracked.get(source.name)!;
      counts.set(source.name, disk.filter((f) => diskFileStatus(f, known.get(f.rel)) === 'pending').length);
    }),
  );
  return counts;
}
