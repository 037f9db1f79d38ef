import type { SourceConfig } from '../../config';
import type { EventFields } from '../../context';
import type { Warehouse, WarehouseConnection } from '../../warehouse';
import type { SchemaChange } from '../rows/schema-changes';

/** Sync options after validation, as connectors see them. */
export interface ResolvedSyncOptions {
  fullRefresh: boolean;
  startDate: string | null;
  endDate: string | null;
  allowEmpty: boolean;
}

/** What a connector gets for one sync. */
export interface ConnectorContext {
  source: SourceConfig;
  /** The warehouse schema of the source's tables (`raw_<source>`). */
  schema: string;
  /** The project folder, for resolving relative paths in the source config. */
  root: string;
  /** Concurrent reads during extraction (never writes: those belong in `load`). */
  warehouse: Warehouse;
  options: ResolvedSyncOptions;
  /** The sync's start time; every row of the sync carries it as `_dango_loaded_at`. */
  loadedAt: Date;
  /** Reports progress (emitted as `sync_progress`). */
  progress(fields: Omit<EventFields<'sync_progress'>, 'source'>): void;
  /** The environment secrets are read from (`*_env` keys); absent means `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Logs a WARNING about this source (e.g. a skipped file); the sync goes on. */
  warn(message: string): void;
}

/** What `check` gets: enough to connect and list, nothing to load with. */
export type CheckContext = Pick<ConnectorContext, 'source' | 'schema' | 'root' | 'warehouse' | 'env'>;

/** A raw table with its columns as the warehouse reports them. */
export interface RawTable {
  name: string;
  columns: { name: string; type: string }[];
}

/** What a load did: rows written by this sync and, for file sources, the files touched. */
export interface LoadOutcome {
  rows: number;
  /** The tables the load wrote, read inside its transaction, so the after-sync steps need not query the catalog again. */
  tables?: RawTable[];
  files?: { loaded: string[]; removed: string[]; unchanged: number };
  /**
   * Bookkeeping that may run after the load committed, off the sync's critical path (e.g. content
   * hashes of the files just loaded). The next sync of the source waits for it; so does `close()`.
   */
  afterCommit?: () => Promise<void>;
  /** Schema changes the load made (recorded in its transaction); announced once it committed. */
  schemaChanges?: SchemaChange[];
}

/** The result of extraction: a load to run inside the sync's one write transaction. */
export interface PreparedLoad {
  /** Writes data, schema changes and tracking rows; runs inside one transaction that rolls back if it throws. */
  load(conn: WarehouseConnection): Promise<LoadOutcome>;
  /** Releases what extraction left behind (temp files) when the load did not run; called after every sync. */
  dispose?(): Promise<void>;
}

/**
 * A source type. Extraction (network, file reading, sniffing) happens in `prepare`, outside the
 * write queue; only the returned `load` holds the queue.
 */
export interface Connector {
  readonly type: string;
  /** Validates the source's type-specific config; throws CONFIG_INVALID/BAD_REQUEST with a clear message. */
  validate?(source: SourceConfig): void;
  prepare(ctx: ConnectorContext): Promise<PreparedLoad>;
  /** Connects and lists what a sync would load, without loading; throws a clear error naming what is wrong. */
  check?(ctx: CheckContext): Promise<{ tables: Array<{ name: string; columns?: Array<{ name: string; type: string }> }> }>;
  /** Runs in its own write after a failed sync (extraction or load), to remember what failed (e.g. which file). */
  recordFailure?(conn: WarehouseConnection, source: SourceConfig, error: unknown): Promise<void>;
}

/** A failure caused by one file of a file source; the sync fails and the file is marked `failed`. */
export class SourceFileError extends Error {
  override readonly name = 'SourceFileError';

  constructor(
    /** The file's path relative to the source directory. */
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
