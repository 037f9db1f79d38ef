import type { DangoEvent, DangoEventMap, LogEntry, SourceSummary, SyncOptions } from '@dango/core';

/** How one source's sync ended, the same whether it ran in this process or on a server. */
export interface SyncOutcome {
  source: string;
  ok: boolean;
  rows: number;
  seconds: number;
  error: string | null;
  /** The models run after a successful load; null when the load failed. */
  models: ModelsAfterSync | null;
}

/** How the models run after a sync went. */
export interface ModelsAfterSync {
  ran: number;
  failed: { model: string; error: string }[];
  /** A run that failed before any model did (e.g. a project that does not compile). */
  error: string | null;
}

/** The models part of an outcome, from the sync's `after_sync_completed` event (null when none came). */
export function modelsAfter(event: DangoEventMap['after_sync_completed'] | null): ModelsAfterSync | null {
  return event ? { ran: event.models, failed: event.failed, error: event.error ?? null } : null;
}

/** The outcome of a load that failed. */
export function failedOutcome(source: string, error: string): SyncOutcome {
  return { source, ok: false, rows: 0, seconds: 0, error, models: null };
}

/** Where sync, status and logs run: in this process (opening the warehouse) or through a running server's API. */
export interface Backend {
  /** `null` in process; the server's URL otherwise. */
  readonly serverUrl: string | null;
  /** Every configured source (`GET /api/sources`). */
  listSources(): Promise<SourceSummary[]>;
  /** Size of the warehouse file and its WAL, or null when it cannot be told. */
  warehouseBytes(): Promise<number | null>;
  /** Syncs one source, reporting its events (progress included) to `onEvent` as they happen. */
  sync(name: string, options: SyncOptions, onEvent: (event: DangoEvent) => void): Promise<SyncOutcome>;
  /** The newest activity-log lines, oldest first, optionally about one source. */
  logs(options: { limit: number; source?: string }): Promise<LogEntry[]>;
  /** Releases the warehouse or the connection. */
  close(): Promise<void>;
}
