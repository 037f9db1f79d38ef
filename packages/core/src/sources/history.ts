import { appendFile, mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseJsonLines, readTextIfExists, writeTextAtomic } from '../files';
import type { HistoryEntry } from './types';

/** How many sync entries each source keeps. */
export const HISTORY_LIMIT = 100;

function isHistoryEntry(value: unknown): boolean {
  const e = value as Partial<HistoryEntry> | null;
  return typeof e?.timestamp === 'string' && (e.status === 'success' || e.status === 'failed');
}

/**
 * The sync history of each source: `.dango/history/<source>.jsonl`, oldest first, last 100 kept. Each
 * file is read once and kept in memory until the next append to it, so a polled source list reads no file.
 */
export class SyncHistory {
  private readonly cache = new Map<string, Promise<readonly HistoryEntry[]>>();
  /** The settled entries of `cache`, for callers that must not wait a microtask per source. */
  private readonly loaded = new Map<string, readonly HistoryEntry[]>();

  constructor(private readonly dir: string) {}

  private file(source: string): string {
    return path.join(this.dir, `${source}.jsonl`);
  }

  /** Every kept entry of a source, oldest first (a torn last line after a crash is skipped). Shared: do not modify. */
  read(source: string): Promise<readonly HistoryEntry[]> {
    let entries = this.cache.get(source);
    if (!entries) {
      const loading = this.load(source);
      entries = loading;
      this.cache.set(source, loading);
      loading.then(
        (list) => this.cache.get(source) === loading && this.loaded.set(source, list),
        () => this.cache.get(source) === loading && this.cache.delete(source),
      );
    }
    return entries;
  }

  /** The entries of a source if they are already in memory, else undefined (then use `read`). */
  peek(source: string): readonly HistoryEntry[] | undefined {
    return this.loaded.get(source);
  }

  private async load(source: string): Promise<readonly HistoryEntry[]> {
    const text = await readTextIfExists(this.file(source));
    return text === null ? [] : parseJsonLines<HistoryEntry>(text, isHistoryEntry).slice(-HISTORY_LIMIT);
  }

  /** Appends one entry; rewrites the file (atomically, via rename) once it holds more than the limit. */
  async append(source: string, entry: HistoryEntry): Promise<void> {
    // Dropped before and after the write: a read that starts meanwhile may see the old file, and must not stay cached.
    this.forget(source);
    try {
      await this.write(source, entry);
    } finally {
      this.forget(source);
    }
  }

  private forget(source: string): void {
    this.cache.delete(source);
    this.loaded.delete(source);
  }

  private async write(source: string, entry: HistoryEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(source);
    await appendFile(file, JSON.stringify(entry) + '\n');
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim());
    if (lines.length <= HISTORY_LIMIT) return;
    await writeTextAtomic(file, lines.slice(-HISTORY_LIMIT).join('\n') + '\n');
  }
}
