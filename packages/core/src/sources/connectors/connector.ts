import type { z } from 'zod';
import type { SourceConfig } from '../../config/schemas';
import type { EventFields } from '../../context';
import type { Warehouse, WarehouseConnection } from '../../warehouse';
import type { SchemaChange } from '../rows/schema-changes';
import type { FileSourceSpec } from '../file-source';

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
  /** `.dango/.env` overlaid by `process.env`; read secrets with `readSecret`, never log them. */
  env: Readonly<Record<string, string | undefined>>;
  options: ResolvedSyncOptions;
  /** The sync's start time; every row of the sync carries it as `_dango_loaded_at`. */
  loadedAt: Date;
  /** Reports progress (emitted as `sync_progress`). */
  progress(fields: Omit<EventFields<'sync_progress'>, 'source'>): void;
  /** Logs a WARNING about this source (e.g. a skipped file); the sync goes on. */
  warn(message: string): void;
}

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
   * hashes of the files just loaded). The next sync of the source waits for it; `close()` aborts
   * `signal` and waits for it to stop, so it must leave nothing half-done when stopped early.
   */
  afterCommit?: (signal: AbortSignal) => Promise<void>;
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

/** What `check` gets: the source and where it would load, but no sync (no options, no progress). */
export type CheckContext = Pick<ConnectorContext, 'source' | 'schema' | 'root' | 'warehouse' | 'env'>;

/** What a connector would load, found by connecting without loading. */
export interface CheckResult {
  tables: Array<{ name: string; columns?: Array<{ name: string; type: string }>; files?: string[] }>;
}

/** How the upload, list and delete routes find the files of a file-based source. */
export interface FileSourceAccess {
  spec(source: SourceConfig, root: string): FileSourceSpec;
}

/**
 * What `dango source add <type> --name <name>` writes to sources.yml: the `<type>:` block with a
 * comment after each key, and optional keys as commented examples under it.
 */
export interface SourceTemplate {
  /** One line about the source, written above its entry. */
  summary(name: string): string;
  /** The `<type>:` block for a source called `name`; it must validate with the connector's schema. */
  block(name: string): Record<string, unknown>;
  /** Why each key of the block is there (a comment after it). */
  comments: Record<string, string>;
  /** Commented example lines for optional keys, written under the block. */
  optional: string[];
}

/**
 * A source type. Extraction (network, file reading, sniffing) happens in `prepare`, outside the
 * write queue; only the returned `load` holds the queue. Make one with `defineConnector`.
 */
export interface Connector<Config = unknown> {
  /** The `type:` of the sources it handles; its config block sits under the key of the same name. */
  readonly type: string;
  /** Validates (and defaults) the source's `<type>:` block when the project loads; issues name their path. */
  readonly configSchema: z.ZodType;
  /** The source's config block as `configSchema` parsed it when the project loaded. */
  config(source: SourceConfig): Config;
  /** Checks that need more than the schema (run when a sync starts); throws BAD_REQUEST/CONFIG_INVALID. */
  validate?(source: SourceConfig): void;
  /** Extraction; `config` is the source's parsed block (the same as `config(ctx.source)`). */
  prepare(ctx: ConnectorContext, config: Config): Promise<PreparedLoad>;
  /** Connects and lists what a sync would load, without loading (`platform.checkSource`). */
  check?(ctx: CheckContext, config: Config): Promise<CheckResult>;
  /** Runs in its own write after a failed sync (extraction or load), to remember what failed (e.g. which file). */
  recordFailure?(conn: WarehouseConnection, source: SourceConfig, error: unknown): Promise<void>;
  /** Present on file-based sources: the upload/list/delete routes serve them. */
  readonly files?: FileSourceAccess;
  /** The commented block `dango source add <type>` writes; a type without one cannot be added that way. */
  readonly sourceTemplate?: SourceTemplate;
}

/** What `defineConnector` takes: a connector without the derived `config` accessor. */
export type ConnectorDefinition<Config> = Omit<Connector<Config>, 'config'>;

/**
 * Defines a source type, built-in or an app's own; register it with
 * `DangoPlatform.open({ projectDir, connectors: [myConnector] })`.
 */
export function defineConnector<S extends z.ZodType>(definition: Omit<ConnectorDefinition<z.output<S>>, 'configSchema'> & { configSchema: S }): Connector<z.output<S>> {
  const { type } = definition;
  return {
    ...definition,
    config: (source) => ((source as Record<string, unknown>)[type] ?? definition.configSchema.parse({})) as z.output<S>,
  };
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
