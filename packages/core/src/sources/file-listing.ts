import path from 'node:path';
import type { SourceConfig } from '../config';
import type { Warehouse } from '../warehouse';
import { scanFiles, type DiskFile, type FileSourceSpec } from './file-source';
import { readTracked, type TrackedFile } from './file-tracking';
import type { CsvFileInfo, CsvFilesListing } from './types';

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** The status of a file on disk: `failed` (its last load failed), `success` (loaded as it is now) or `pending`. */
export function diskFileStatus(file: DiskFile, tracked: TrackedFile | undefined): 'success' | 'failed' | 'pending' {
  if (tracked?.error) return 'failed';
  const current = tracked !== undefined && tracked.loaded_at !== null && tracked.size === file.size && tracked.mtime_ms === file.mtimeMs;
  return current ? 'success' : 'pending';
}

/** `GET .../csv-files`: files on disk and files loaded, each `success`, `failed`, `pending` or `missing`. */
export async function listSourceFiles(source: SourceConfig, spec: FileSourceSpec, warehouse: Warehouse): Promise<CsvFilesListing> {
  const [disk, tracked] = await Promise.all([scanFiles(spec), readTracked(warehouse.query.bind(warehouse), source.name)]);
  const files: CsvFileInfo[] = disk.map((f) => {
    const t = tracked.get(f.rel);
    const loaded = t !== undefined && t.loaded_at !== null;
    return {
      filename: f.rel,
      path: f.abs,
      size: f.size,
      modified: iso(f.mtimeMs),
      on_disk: true,
      loaded,
      rows_loaded: loaded ? t.rows : 0,
      status: diskFileStatus(f, t),
      error: t?.error ?? null,
    };
  });
  const onDisk = new Set(disk.map((f) => f.rel));
  for (const t of tracked.values()) {
    if (onDisk.has(t.path) || t.loaded_at === null) continue;
    files.push({
      filename: t.path,
      path: path.join(spec.directory, ...t.path.split('/')),
      size: t.size,
      modified: iso(t.mtime_ms),
      on_disk: false,
      loaded: true,
      rows_loaded: t.rows,
      status: 'missing',
      error: t.error,
    });
  }
  return {
    source_name: source.name,
    directory: spec.configuredDirectory,
    file_pattern: spec.pattern,
    files,
    total_files: files.length,
    files_on_disk: disk.length,
    files_loaded: files.filter((f) => f.loaded).length,
  };
}
