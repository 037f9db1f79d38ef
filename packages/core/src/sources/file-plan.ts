import { existsSync } from 'node:fs';
import { hashFile, scanFiles, type DiskFile, type FileSourceSpec } from './file-source';
import { readTracked, type FileColumn, type Reader, type TrackedFile } from './file-tracking';

/** What a file format learns about one file without loading it. */
export interface FileDescription {
  columns: FileColumn[];
  /** How to read the file again without describing it (e.g. a CSV dialect); stored with its tracking row. */
  readOptions: Record<string, unknown>;
  /** True when the file has no data rows (empty, header only, `[]`). */
  noRows: boolean;
}

/** What extraction decided for one file on disk. */
export interface FilePlan {
  file: DiskFile;
  prev: TrackedFile | undefined;
  action: 'load' | 'keep' | 'touch';
  /** Content hash; null for a file loaded for the first time until it is hashed after the commit. */
  hash: string | null;
  described?: FileDescription;
}

/** The files of one sync: what to do with each file on disk, and the tracked files gone from disk. */
export interface FileSyncPlan {
  plans: FilePlan[];
  removed: TrackedFile[];
}

/**
 * Decides per file: reload (new, changed, or full refresh), keep (size and mtime as tracked), or
 * touch (size or mtime moved but the content hash is the same: tracking is updated, nothing is re-read).
 */
async function classify(file: DiskFile, prev: TrackedFile | undefined, table: string, fullRefresh: boolean): Promise<FilePlan> {
  const loaded = prev !== undefined && prev.loaded_at !== null && prev.table_name === table;
  const sameStat = loaded && prev.error === null && prev.size === file.size && prev.mtime_ms === file.mtimeMs;
  // A full refresh re-reads every file but keeps the known hash of an unchanged one (no second hashing).
  if (fullRefresh) return { file, prev, action: 'load', hash: sameStat ? prev.hash : null };
  if (sameStat) return { file, prev, action: 'keep', hash: prev.hash };
  if (loaded) {
    const hash = await hashFile(file.abs);
    if (hash === prev.hash && prev.error === null) return { file, prev, action: 'touch', hash };
    return { file, prev, action: 'load', hash };
  }
  // Nothing to compare with: the hash is only stored, so it is computed after the load commits.
  return { file, prev, action: 'load', hash: null };
}

/** Everything `planFileSync` needs: where the files are, what was tracked, and how to describe a file. */
export interface PlanInput {
  spec: FileSourceSpec;
  source: string;
  table: string;
  fullRefresh: boolean;
  read: Reader;
  describe(file: DiskFile): Promise<FileDescription>;
  /** Logs a WARNING (a file skipped because it resolves outside the directory). */
  warn?(message: string): void;
}

/**
 * Scans the directory, classifies every file against its tracking row and describes the files whose
 * stored description cannot be reused. Runs during extraction, outside the write queue.
 */
export async function planFileSync(input: PlanInput): Promise<FileSyncPlan> {
  const [disk, tracked] = await Promise.all([scanFiles(input.spec, input.warn), readTracked(input.read, input.source)]);
  const plans: FilePlan[] = [];
  // A few files at a time: a changed file is hashed, and thousands of parallel reads would exhaust file handles.
  for (let i = 0; i < disk.length; i += 8) {
    const batch = disk.slice(i, i + 8);
    plans.push(...(await Promise.all(batch.map((f) => classify(f, tracked.get(f.rel), input.table, input.fullRefresh)))));
  }
  // Describing runs on the warehouse's concurrent readers, a few files at a time.
  const toDescribe = plans.filter((p) => !(p.prev?.columns && p.prev.read_options !== null && p.action !== 'load'));
  const vanished = new Set<FilePlan>();
  for (let i = 0; i < toDescribe.length; i += 4) {
    await Promise.all(
      toDescribe.slice(i, i + 4).map(async (plan) => {
        try {
          plan.described = await input.describe(plan.file);
        } catch (err) {
          // Deleted since the scan (e.g. through the API while this sync ran): it counts as removed.
          if (existsSync(plan.file.abs)) throw err;
          vanished.add(plan);
        }
      }),
    );
  }
  const present = plans.filter((p) => !vanished.has(p));
  const onDisk = new Set(present.map((p) => p.file.rel));
  return { plans: present, removed: [...tracked.values()].filter((t) => !onDisk.has(t.path)) };
}
