import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { SourceConfig } from '../config';
import type { HistoryEntry } from '../sources/types';
import { firstLine } from './first-line';
import type { HealthReport } from './types';

/** The sources part of the health report, plus the sentences it contributes. */
export interface SourceHealth {
  sync_failures: HealthReport['sync_failures'];
  warnings: string[];
}

const DAY_MS = 86_400_000;

/** The entries of `.dango/history/<source>.jsonl` (newest last); a torn line from a crash is skipped. */
export async function readHistory(historyDir: string, source: string): Promise<HistoryEntry[]> {
  let text: string;
  try {
    text = await readFile(path.join(historyDir, `${source}.jsonl`), 'utf8');
  } catch {
    return [];
  }
  const out: HistoryEntry[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    try {
      const entry = JSON.parse(line) as HistoryEntry;
      if (entry && typeof entry.timestamp === 'string' && (entry.status === 'success' || entry.status === 'failed')) out.push(entry);
    } catch {
      /* skip */
    }
  }
  return out;
}

/**
 * Reads each source's sync history (not the warehouse, so it answers while a load holds it): sources
 * whose last sync failed, enabled sources never synced, and enabled sources whose last success is
 * older than `staleDays`.
 */
export async function sourceHealth(sources: SourceConfig[], historyDir: string, staleDays: number, now = Date.now()): Promise<SourceHealth> {
  const histories = await Promise.all(sources.map((s) => readHistory(historyDir, s.name)));
  const sync_failures: SourceHealth['sync_failures'] = [];
  const warnings: string[] = [];
  sources.forEach((source, i) => {
    const history = histories[i] ?? [];
    const last = history.at(-1);
    if (last?.status === 'failed') {
      sync_failures.push({ source: source.name, error: last.error_message, timestamp: last.timestamp });
      warnings.push(`Source '${source.name}' failed its last sync (${last.timestamp}): ${last.error_message ? firstLine(last.error_message) : 'unknown error'}`);
    }
    if (!source.enabled) return;
    if (!last) {
      warnings.push(`Source '${source.name}' has never been synced`);
      return;
    }
    const lastSuccess = history.findLast((e) => e.status === 'success');
    const age = lastSuccess ? now - Date.parse(lastSuccess.timestamp) : NaN;
    if (age > staleDays * DAY_MS) {
      warnings.push(`Source '${source.name}' is stale: last successful sync ${Math.floor(age / DAY_MS)} days ago (${lastSuccess!.timestamp})`);
    }
  });
  return { sync_failures, warnings };
}
