import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
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

/** Entries stat'ed between two yields to the event loop while listing. */
const STAT_SLICE = 256;

/**
 * Every file of the source on disk, sorted by relative path; a missing directory has no files; links
 * leading outside it are skipped and reported to `warn`. Only entries that can belong to the source
 * are stat'ed (regular files matching the pattern, and links). Those stats are synchronous, in slices
 * between which the event loop runs: a stat of a listed file is a few microseconds, where a promise
 * through libuv's thread pool costs more than the stat itself (1,000 files: ~3 ms, against ~10 ms
 * with one awaited stat per file).
 */
export async function scanFiles(spec: FileSourceSpec, warn?: (message: string) => void): Promise<DiskFile[]> {
  const matches = patternMatcher(spec.pattern);
  // Only symlinks can lead outside (DELETE refuses them the same way); regular entries cost no realpath.
  const contained = containedLinks(spec.directory);
  const recursive = spec.pattern.includes('/');
  const out: DiskFile[] = [];
  const walk = async (dir: string, relDir: string): Promise<void> => {
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' && dir === spec.directory) return;
      throw err;
    }
    const subdirs: Array<[string, string]> = [];
    const unknown: Array<[string, string, boolean]> = [];
    for (let i = 0; i < entries.length; i++) {
      if (i > 0 && i % STAT_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const entry = entries[i]!;
      if (entry.name.startsWith('.')) continue;
      const abs = path.join(dir, entry.name);
      const rel = relDir ? `${relDir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (recursive) subdirs.push([abs, rel]);
      } else if (!entry.isFile()) {
        // Links, and entries whose type the filesystem does not report: stat'ed below to see what they are.
        unknown.push([abs, rel, entry.isSymbolicLink()]);
      } else if (matches(rel)) {
        // Gone since readdir: not listed.
        const st = statSync(abs, { throwIfNoEntry: false });
        if (st?.isFile()) out.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    for (const [abs, rel, link] of unknown) {
      let st;
      try {
        st = await stat(abs);
      } catch {
        continue; // a dangling symlink, or vanished since readdir
      }
      if (link && (st.isFile() || st.isDirectory()) && !(await contained(abs))) {
        warn?.(`Skipped '${rel}': it resolves outside the source directory ${spec.configuredDirectory}`);
        continue;
      }
      if (st.isDirectory()) {
        if (recursive) subdirs.push([abs, rel]);
      } else if (st.isFile() && matches(rel)) {
        out.push({ rel, abs, size: st.size, mtimeMs: st.mtimeMs });
      }
    }
    for (const [abs, rel] of subdirs) await walk(abs, rel);
  };
  await walk(spec.directory, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/** The sentence for a file source whose directory is missing: its configured and its absolute path. */
export function missingDirectoryMessage(source: SourceConfig, spec: FileSourceSpec): string {
  const shown = spec.configuredDirectory === spec.directory ? spec.directory : `${spec.configuredDirectory} (${spec.directory})`;
  return `Source '${source.name}': directory not found: ${shown}; nothing was loaded and the loaded data is kept. Create the directory, or fix ${source.type}.directory in .dango/sources.yml`;
}

/**
 * Refuses a file source whose directory does not exist (NOT_FOUND, and a WARNING through `warn`):
 * a mistyped path must not read as "0 rows", nor as every loaded file deleted.
 */
export async function assertSourceDirectory(source: SourceConfig, spec: FileSourceSpec, warn?: (message: string) => void): Promise<void> {
  const found = await stat(spec.directory).then((s) => s.isDirectory(), () => false);
  if (found) return;
  const message = missingDirectoryMessage(source, spec);
  warn?.(message);
  throw new DangoError('NOT_FOUND', message);
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
