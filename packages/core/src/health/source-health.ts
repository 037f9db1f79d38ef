import type { SourceConfig } from '../config';
import { SyncHistory } from '../sources/history';
import { firstLine } from './first-line';
import type { HealthReport } from './types';

/** The sources part of the health report, plus the sentences it contributes. */
export interface SourceHealth {
  sync_failures: HealthReport['sync_failures'];
  warnings: string[];
}

const DAY_MS = 86_400_000;

/**
 * Reads each source's sync history (not the warehouse, so it answers while a load holds it): sources
 * whose last sync failed, enabled sources never synced, and enabled sources whose last success is
 * older than `staleDays`.
 */
export async function sourceHealth(sources: SourceConfig[], historyDir: string, staleDays: number, now = Date.now()): Promise<SourceHealth> {
  const history = new SyncHistory(historyDir);
  const histories = await Promise.all(sources.map((s) => history.read(s.name)));
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
