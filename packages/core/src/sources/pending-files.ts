import type { SourceConfig } from '../config';
import { GenerationCache, type Warehouse } from '../warehouse';
import { fileSourceSpec, scanFiles } from './file-source';
import { diskFileStatus } from './file-listing';
import { readTrackedOf, type TrackedFile } from './file-tracking';

function isFileSource(source: SourceConfig, root: string): boolean {
  try {
    fileSourceSpec(source, root);
    return true;
  } catch {
    return false;
  }
}

type Tracked = Map<string, Map<string, TrackedFile>>;

/**
 * Counts, per source, the files on disk that are not loaded as they are now (new, changed, or left by
 * a sync that died). The tracking rows of every file source are read in one query, kept until the
 * warehouse's next write; the folders are scanned on each call, since files arrive without a write.
 */
export class PendingFiles {
  private readonly tracked: GenerationCache<string, Tracked>;

  constructor(
    private readonly root: string,
    warehouse: Warehouse,
  ) {
    this.tracked = new GenerationCache(warehouse, (names) => readTrackedOf(warehouse.query.bind(warehouse) as never, names.split('\n')));
  }

  /** Pending counts of `sources` (0 for sources without files); `all` are every configured source, so one cached read serves every call. */
  async count(sources: SourceConfig[], all: SourceConfig[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>(sources.map((s) => [s.name, 0]));
    const withFiles = sources.filter((s) => isFileSource(s, this.root));
    if (withFiles.length === 0) return counts;
    const tracked = await this.tracked.get(
      all
        .filter((s) => isFileSource(s, this.root))
        .map((s) => s.name)
        .join('\n'),
    );
    await Promise.all(
      withFiles.map(async (source) => {
        const disk = await scanFiles(fileSourceSpec(source, this.root)).catch(() => []);
        const known = tracked.get(source.name) ?? new Map<string, TrackedFile>();
        counts.set(source.name, disk.filter((f) => diskFileStatus(f, known.get(f.rel)) === 'pending').length);
      }),
    );
    return counts;
  }
}
