import { DangoError, errorMessage, type DangoEvent, type DangoEventMap, type HealthReport, type LogEntry, type SourceSummary, type SyncOptions } from '@dango/core';
import { ApiClient } from './api-client';
import { failedOutcome, modelsAfter, type Backend, type SyncOutcome } from './backend';

const seg = encodeURIComponent;

/** True for the event that ends the sync of `source` started at `startedAt` (an earlier sync's end is older). */
function endsSync(source: string, startedAt: string) {
  return (e: DangoEvent) =>
    (e.type === 'sync_completed' || e.type === 'sync_failed') && e.source === source && e.timestamp >= startedAt;
}

/** Runs commands through a running server's REST API and `/ws`, leaving its warehouse to it. */
export class RemoteBackend implements Backend {
  constructor(readonly client: ApiClient) {}

  get serverUrl(): string {
    return this.client.baseUrl;
  }

  listSources(): Promise<SourceSummary[]> {
    return this.client.get<SourceSummary[]>('/api/sources');
  }

  async warehouseBytes(): Promise<number | null> {
    try {
      const health = await this.client.get<HealthReport>('/api/health/platform');
      return Math.round(health.database.size_mb * 1024 * 1024);
    } catch {
      // The size is a nicety of `status`; the sources table is still worth showing without it.
      return null;
    }
  }

  async sync(name: string, options: SyncOptions, onEvent: (event: DangoEvent) => void): Promise<SyncOutcome> {
    // Subscribe before starting, so a fast sync's events cannot slip past.
    const stream = await this.client.events();
    const stop = stream.onEvent((e) => {
      if ('source' in e && e.source === name) onEvent(e);
    });
    try {
      let started: { started_at: string };
      try {
        started = await this.client.post<{ started_at: string }>(`/api/sources/${seg(name)}/sync`, {
          full_refresh: options.fullRefresh ?? false,
          start_date: options.startDate ?? null,
          end_date: options.endDate ?? null,
          ...(options.vars ? { vars: options.vars } : {}),
        });
      } catch (err) {
        if (err instanceof DangoError && (err.code === 'BAD_REQUEST' || err.code === 'UNAUTHORIZED')) throw err;
        return failedOutcome(name, errorMessage(err));
      }
      const end = await stream.waitFor(endsSync(name, started.started_at));
      if (end.type === 'sync_failed') return failedOutcome(name, end.error);
      if (end.type !== 'sync_completed') throw new DangoError('INTERNAL', `Unexpected event ${end.type}`);
      // The server runs the models the sync set off after announcing the load.
      const after = await stream.waitFor((e) => e.type === 'after_sync_completed' && e.source === name && e.timestamp >= started.started_at);
      return { source: name, ok: true, rows: end.rows, seconds: end.duration_seconds, error: null, models: modelsAfter(after as DangoEventMap['after_sync_completed']) };
    } finally {
      stop();
      stream.close();
    }
  }

  logs(options: { limit: number; source?: string }): Promise<LogEntry[]> {
    const path = options.source === undefined ? '/api/logs' : `/api/sources/${seg(options.source)}/logs`;
    return this.client.get<LogEntry[]>(`${path}?limit=${options.limit}`);
  }

  async close(): Promise<void> {}
}
