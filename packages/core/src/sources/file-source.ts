import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';
import { resolveInProject } from '../config/paths';
import type { SourceConfig } from '../config/schemas';
import { DangoError } from '../errors';
import { containedLinks } from './file-paths';

/** Where a file-based source keeps its files. */
export interface FileSourceSpec {
  /** Absolute directory. */
  directory: string;
  /** The directory as written in the config (shown by `GET .../csv-files`). */
  configuredDirectory: string;
  /** Glob of the files that belong to the source; without a `/` it matches files directly in `directory`. */
  pattern: string;
}

/** A file of a source found on disk. */
export interface DiskFile {
  /** Path relative to the source directory, with `/` separators; the key used in tracking and `_dango_file`. */
  rel: string;
  abs: string;
  size: number;
  mtimeMs: number;
}

/** The `directory` and `file_pattern` of a file source's config block; BAD_REQUEST for sources that have no files. */
export function fileSourceBlock(source: SourceConfig): { directory: string; file_pattern: string; table?: string } {
  const block = (source as Record<string, unknown>)[source.type] as { directory?: unknown; file_pattern?: unknown; table?: unknown } | undefined;
  if (!block || typeof block.directory !== 'string' || typeof block.file_pattern !== 'string') {
    throw new DangoError('BAD_REQUEST', `Source '${source.name}' (type ${source.type}) is not a file source`);
  }
  return { directory: block.directory, file_pattern: block.file_pattern, table: typeof block.table === 'string' ? block.table : undefined };
}

/** The directory (resolved against the project root) and pattern of a file source. */
export function fileSourceSpec(source: SourceConfig, root: string): FileSourceSpec {
  const block = fileSourceBlock(source);
  return { directory: resolveInProject(root, block.directory), configuredDirectory: block.directory, pattern: block.file_pattern };
}

/**
 * A matcher for the source's pattern against a relative path; dot-files (in-progress uploads) never
 * match. Case-insensitive, because Windows tools write `EXPORT.CSV` and such a file must not be ignored.
 */
export function patternMatcher(pattern: string): (rel: string) => boolean {
  return picomatch(pattern, { dot: false, nocase: true });
}

/** Stats run at once while listing: enough to overlap the filesystem's latency, few enough for file handles. */
const STAT_CONCURRENCY = 64;

/** Runs `fn` over `items`, at most `limit` at a time. */
async function eachLimited<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * Every file of the source on disk, sorted by relative path; a missing directory has no files; links
 * leading outside it are skipped and reported to `warn`. Only entries that can belong to the source
 * are stat'ed (regular files matching the pattern, links), and those in parallel: a folder of a
 * thousand files lists in a few milliseconds.
 */
export async function scanFiles(spec: FileSourceSpec, warn?: (message: string) => void): Promise<DiskFile[]> {
  const matches = patternMatcher(spec.pattern);
  // Only symlinks can lead outside (DELETE refuses them the same way); regular entries cost no realpath.
  const contained = containedLinks(spec.directory);
  const recursive = spec.pattern.includes('/');
  const out: DiskFile[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && dir === spec.directory) return;
      throw err;
    }
    const subdirs: string[] = [];
    const candidates = entries.filter((entry) => {
      if (entry.name.startsWith('.')) return false;
      if (entry.isDirectory()) {
        if (recursive) subdirs.push(path.join(dir, entry.name));
        return false;
      }
      if (entry.isSymbolicLink()) return true;
      return entry.isFile() && matches(relativeTo(spec.directory, path.join(dir, entry.name)));
    });
    await eachLimited(candidates, STAT_CONCURRENCY, async (entry) => {
      const abs = path.join(dir, entry.name);
      const rel = relativeTo(spec.directory, abs);
      let st;
      try {
        st = await stat(abs);
      } catch {
        return; // vanished between readdir and stat, or a dangling symlink
      }
      if (entry.isSymbolicLink() && (st.isFile() || st.isDirectory()) && !(await contained(abs))) {
        warn?.(`Skipped '${rel}': it resolves outside the source directory ${spec.configuredDirectory}`);
        return;
      }
      if (st.isDirectory()) {
        if (recursive) subdirs.push(abs);
      } else if (st.isFile() && matches(rel)) {
        out.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
      }
    });
    for (const sub of subdirs) await walk(sub);
  };
  await walk(spec.directory);
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** `abs` relative to `dir`, with `/` separators. */
function relativeTo(dir: string, abs: string): string {
  return path.relative(dir, abs).split(path.sep).join('/');
}

/** SHA-256 of a file's content, streamed; rejects with an AbortError once `signal` aborts. */
export function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file, { highWaterMark: 1 << 20, signal })
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}
