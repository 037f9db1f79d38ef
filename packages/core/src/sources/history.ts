import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { HistoryEntry } from './types';

/** How many sync entries each source keeps. */
export const HISTORY_LIMIT = 100;

/** The sync history of each source: `.dango/history/<source>.jsonl`, oldest first, last 100 kept. */
export class SyncHistory {
  constructor(private readonly dir: string) {}

  private file(source: string): string {
    return path.join(this.dir, `${source}.jsonl`);
  }

  /** Every kept entry of a source, oldest first (a torn last line after a crash is skipped). */
  async read(source: string): Promise<HistoryEntry[]> {
    let text: string;
    try {
      text = await readFile(this.file(source), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const out: HistoryEntry[] = [];
    for (const line of text.split('\n')) {
      if (!line.trim()) continue;
      try {
        out.push(JSON.parse(line) as HistoryEntry);
      } catch {
        /* skip a torn line */
      }
    }
    return out.slice(-HISTORY_LIMIT);
  }

  /** Appends one entry; rewrites the file (atomically, via rename) once it holds more than the limit. */
  async append(source: string, entry: HistoryEntry): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.file(source);
    await appendFile(file, JSON.stringify(entry) + '\n');
    const lines = (await readFile(file, 'utf8')).split('\n').filter((l) => l.trim());
    if (lines.length <= HISTORY_LIMIT) return;
    const tmp = path.join(this.dir, `.${source}.jsonl.${process.pid}.tmp`);
    await writeFile(tmp, lines.slice(-HISTORY_LIMIT).join('\n') + '\n');
    await rename(tmp, file);
  }
}
