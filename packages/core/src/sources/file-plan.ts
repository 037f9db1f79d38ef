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
  /**
   * True when `described` was taken from another file with the same header and read options instead of
   * sniffing this one; a load that fails reading it describes it on its own and tries again.
   */
  borrowed?: boolean;
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
  /**
   * Files with the same key may share one description (the first file's); null = describe this file
   * on its own. `borrow` adapts a shared description for a file that was not sniffed itself.
   */
  share?: { key(file: DiskFile): Promise<string | null>; borrow(described: FileDescription): FileDescription };
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
  const vanished = new Set<FilePlan>();
  const describeAll = (list: FilePlan[]) => describeEach(list, input.describe, vanished);
  const toDescribe = plans.filter((p) => !(p.prev?.columns && p.prev.read_options !== null && p.action !== 'load'));
  if (!input.share) await describeAll(toDescribe);
  else await describeShared(toDescribe, input.share, describeAll);
  const present = plans.filter((p) => !vanished.has(p));
  const onDisk = new Set(present.map((p) => p.file.rel));
  return { plans: present, removed: [...tracked.values()].filter((t) => !onDisk.has(t.path)) };
}

/** Describes files on the warehouse's concurrent readers, a few at a time; a file deleted meanwhile joins `vanished`. */
async function describeEach(list: FilePlan[], describe: PlanInput['describe'], vanished: Set<FilePlan>): Promise<void> {
  for (let i = 0; i < list.length; i += 4) {
    await Promise.all(
      list.slice(i, i + 4).map(async (plan) => {
        try {
          plan.described = await describe(plan.file);
        } catch (err) {
          // Deleted since the scan (e.g. through the API while this sync ran): it counts as removed.
          if (existsSync(plan.file.abs)) throw err;
          vanished.add(plan);
        }
      }),
    );
  }
}

/**
 * Sniffing is most of the cost of a file of a few thousand rows: one file of each key (header and read
 * options) is described, and the others of its key borrow that description. A description with no rows
 * (a header-only file) is not shared, as it holds no types.
 */
async function describeShared(list: FilePlan[], share: NonNullable<PlanInput['share']>, describeAll: (list: FilePlan[]) => Promise<void>): Promise<void> {
  const keys: Array<string | null> = [];
  for (let i = 0; i < list.length; i += 32) keys.push(...(await Promise.all(list.slice(i, i + 32).map((p) => share.key(p.file).catch(() => null)))));
  const leaders = new Map<string, FilePlan>();
  const first: FilePlan[] = [];
  const followers: Array<[FilePlan, FilePlan]> = [];
  list.forEach((plan, i) => {
    const key = keys[i] ?? null;
    const leader = key === null ? undefined : leaders.get(key);
    if (leader) followers.push([plan, leader]);
    else {
      if (key !== null) leaders.set(key, plan);
      first.push(plan);
    }
  });
  await describeAll(first);
  const alone: FilePlan[] = [];
  const sniffed = new Map<FilePlan, FileDescription>();
  for (const [plan, leader] of followers) {
    if (!leader.described || leader.described.noRows) alone.push(plan);
    else {
      if (!sniffed.has(leader)) sniffed.set(leader, leader.described);
      plan.described = share.borrow(sniffed.get(leader)!);
      plan.borrowed = true;
    }
  }
  // The sniffed file reads as its followers do (e.g. the same strict checks), so one statement loads them all.
  for (const [leader, own] of sniffed) leader.described = share.borrow(own);
  await describeAll(alone);
}
