import type { DangoEvent, LogEntry, SourceSummary, SyncOptions } from '@dango/core';

/** How one source's sync ended, the same whether it ran in this process or on a server. */
export interface SyncOutcome {
  source: string;
  ok: boolean;
  rows: number;
  seconds: number;
  error: string | null;
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
