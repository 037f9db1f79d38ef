import { unlink } from 'node:fs/promises';
import path from 'node:path';
import { maskSecrets, type SourceConfig } from '../config';
import type { PlatformContext } from '../context';
import { DangoError, errorMessage, isDangoError } from '../errors';
import { GenerationCache } from '../warehouse';
import type { RawTable } from './connectors/connector';
import { assertFileSource } from './file-connector';
import { listSourceFiles } from './file-listing';
import { resolveInsideDirectory } from './file-paths';
import { readSchemaChanges, type RecordedSchemaChange } from './rows/schema-changes';
import { SyncHistory } from './history';
import { PendingFiles } from './pending-files';
import { checkSource, type SourceCheck } from './source-check';
import { summarizeSource } from './source-status';
import { TableRowCounts, type RawTablesBySchema } from './table-row-counts';
import { resolveSyncOptions } from './sync-options';
import { announceResult, executeSync, rawSchema, type ExecutedSync } from './sync-runner';
import type { FileSourceSpec } from './file-source';
import { saveUpload } from './uploads';
import type {
  CsvFilesListing, DeleteFileResult, HistoryEntry, SourceDetails, SourceSummary, StartedSync, SyncOptions, SyncResult, UploadInput, UploadResult,
} from './types';

/** Copies, because the history store shares its cached entries with every caller. */
function copyNewestFirst(entries: readonly HistoryEntry[]): HistoryEntry[] {
  return entries.map((e) => ({ ...e })).reverse();
}

/** How upload and delete messages name a file (the seed's CSV wording for CSV sources). */
const fileKind = (source: SourceConfig): string => (source.type === 'csv' ? 'CSV' : 'File');

/** What the sources module calls back into the platform for. */
export interface SourceHooks {
  /** Runs after a successful sync (staging generation, downstream models); its errors never fail the sync. */
  afterSync(source: string, result: SyncResult, tables?: RawTable[], vars?: Record<string, unknown>): Promise<void>;
}

/** Sources: listing, sync runs, history, and the files of file-based sources. */
export class SourceService {
  private readonly historyStore: SyncHistory;
  private readonly rowCounts: TableRowCounts;
  private readonly pending: PendingFiles;
  private readonly schemaChanges: GenerationCache<string, RecordedSchemaChange[]>;
  /** Sources with a sync between `startSync` and its result. */
  private readonly running = new Set<string>();
  /** Every sync promise not yet settled (including its after-sync hook), for `close()`. */
  private readonly inflight = new Set<Promise<SyncResult>>();
  /** Deferred bookkeeping of each source's last sync; its next sync waits for it. */
  private readonly bookkeeping = new Map<string, Promise<void>>();
  /** Background syncs requested while the source was syncing: run once after it (options merged). */
  private readonly followUps = new Map<string, SyncOptions>();
  private closing = false;

  constructor(
    readonly ctx: PlatformContext,
    readonly hooks: SourceHooks,
  ) {
    this.historyStore = new SyncHistory(ctx.paths.historyDir);
    this.rowCounts = new TableRowCounts(ctx.warehouse);
    this.pending = new PendingFiles(ctx.root, ctx.warehouse);
    this.schemaChanges = new GenerationCache(ctx.warehouse, (name: string) => readSchemaChanges(ctx.warehouse, name));
  }

  private source(name: string): SourceConfig {
    const source = this.ctx.config.sources.find((s) => s.name === name);
    if (!source) throw new DangoError('NOT_FOUND', `Source '${name}' not found`);
    return source;
  }

  /** Every configured source with status, freshness and tables: at most one warehouse query whatever the number of sources. */
  async list(): Promise<SourceSummary[]> {
    const sources = this.ctx.config.sources;
    const [tables, pending] = await Promise.all([this.rowCounts.tables(), this.pendingFiles(sources)]);
    // Histories are in memory after the first list: no promise per source then.
    const histories = sources.map((s) => this.historyStore.peek(s.name));
    if (histories.includes(undefined)) {
      await Promise.all(sources.map(async (s, i) => (histories[i] ??= await this.historyStore.read(s.name))));
    }
    return sources.map((s, i) => this.summarize(s, tables, histories[i]!, pending));
  }

  private summarize(source: SourceConfig, tables: RawTablesBySchema, entries: readonly HistoryEntry[], pending: Map<string, number>): SourceSummary {
    const raw = tables && (tables.get(rawSchema(source.name)) ?? []);
    return summarizeSource(source, raw, entries, this.running.has(source.name), pending.get(source.name) ?? 0);
  }

  /** Pending file counts; a warehouse that cannot be read counts none (the status says `unknown`). */
  private pendingFiles(sources: SourceConfig[]): Promise<Map<string, number>> {
    return this.pending.count(sources, this.ctx.config.sources).catch(() => new Map<string, number>());
  }

  /** One source's masked config, history (newest first), tables and status. */
  async details(name: string): Promise<SourceDetails> {
    const source = this.source(name);
    const [tables, entries, pending, schemaChanges] = await Promise.all([
      this.rowCounts.tables(), this.historyStore.read(name), this.pendingFiles([source]), this.schemaChanges.get(name),
    ]);
    const summary = this.summarize(source, tables, entries, pending);
    return {
      name,
      config: maskSecrets(source) as Record<string, unknown>,
      history: copyNewestFirst(entries),
      row_count: summary.row_count,
      tables: summary.tables,
      status: summary.status,
      last_sync: summary.last_sync,
      schema_changes: schemaChanges,
      pending_files: summary.pending_files,
    };
  }

  /** The source's kept sync history, newest first. */
  async history(name: string): Promise<HistoryEntry[]> {
    this.source(name);
    return copyNewestFirst(await this.historyStore.read(name));
  }

  /** Syncs and resolves with the result; rejects only for an unknown source, bad options or a sync already running. */
  async sync(name: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.startSync(name, options).done;
  }

  /** Starts a sync and returns at once; throws NOT_FOUND, BAD_REQUEST or CONFLICT synchronously. */
  startSync(name: string, options: SyncOptions = {}): StartedSync {
    if (this.closing) throw new DangoError('CONFLICT', 'The platform is closing; no new syncs');
    const source = this.source(name);
    if (!source.enabled) throw new DangoError('BAD_REQUEST', `Source '${name}' is disabled; enable it in .dango/sources.yml to sync it`);
    const resolved = resolveSyncOptions(options);
    const connector = this.ctx.connectors.get(source.type);
    connector.validate?.(source);
    if (this.running.has(name)) throw new DangoError('CONFLICT', `A sync of '${name}' is already running`);
    this.running.add(name);
    const startedAt = new Date();
    const done = (async () => {
      let executed: ExecutedSync;
      try {
        await this.bookkeeping.get(name);
        executed = await executeSync(this.ctx, this.historyStore, source, resolved, startedAt);
      } finally {
        this.running.delete(name);
      }
      const { result, afterCommit } = executed;
      announceResult(this.ctx, result);
      if (result.status === 'success') await this.runAfterSync(name, result, executed.tables, options.vars);
      // Bookkeeping (hashing every new file in full) starts once the after-sync steps are done, so it does not slow them down.
      if (afterCommit) this.deferBookkeeping(name, afterCommit);
      this.startFollowUp(name);
      return result;
    })();
    this.inflight.add(done);
    void done.finally(() => this.inflight.delete(done)).catch(() => undefined);
    return { source_name: name, started_at: startedAt.toISOString(), done };
  }

  private deferBookkeeping(name: string, job: () => Promise<void>): void {
    const run: Promise<void> = job()
      .catch((err) => {
        this.ctx.emit('log', { level: 'WARNING', source: name, message: `Post-sync bookkeeping of ${name} failed: ${errorMessage(err)}` });
      })
      .finally(() => {
        if (this.bookkeeping.get(name) === run) this.bookkeeping.delete(name);
      });
    this.bookkeeping.set(name, run);
  }

  /** True while a sync of `name` runs. */
  isSyncing(name: string): boolean {
    return this.running.has(name);
  }

  private async runAfterSync(name: string, result: SyncResult, tables: RawTable[] | undefined, vars: Record<string, unknown> | undefined): Promise<void> {
    try {
      await this.hooks.afterSync(name, result, tables, vars);
    } catch (err) {
      this.ctx.emit('log', { level: 'WARNING', source: name, message: `After-sync step for ${name} failed: ${errorMessage(err)}` });
    }
  }

  /** Starts a sync now, or once the running one ends; false (with a warning logged) when it cannot run. */
  private requestSync(name: string, options: SyncOptions): boolean {
    try {
      this.startSync(name, options);
      return true;
    } catch (err) {
      if (isDangoError(err, 'CONFLICT') && this.running.has(name)) {
        const prev = this.followUps.get(name);
        this.followUps.set(name, { allowEmpty: Boolean(prev?.allowEmpty || options.allowEmpty), fullRefresh: Boolean(prev?.fullRefresh || options.fullRefresh) });
        return true;
      }
      this.ctx.emit('log', { level: 'WARNING', source: name, message: `Could not start a sync of ${name}: ${errorMessage(err)}` });
      return false;
    }
  }

  private startFollowUp(name: string): void {
    const options = this.followUps.get(name);
    if (!options || this.closing) return;
    this.followUps.delete(name);
    this.requestSync(name, options);
  }

  /** Connects and lists what a sync would load, without loading; failures are `ok: false`. */
  async check(name: string): Promise<SourceCheck> {
    return checkSource(this.ctx, this.source(name));
  }

  /** The source and where its files live; BAD_REQUEST when it is not a file source. */
  private fileSource(name: string): { source: SourceConfig; spec: FileSourceSpec } {
    const source = this.source(name);
    const files = assertFileSource(this.ctx.connectors.get(source.type), source);
    return { source, spec: files.spec(source, this.ctx.root) };
  }

  /** The files of a file source, on disk and loaded. */
  async listFiles(name: string): Promise<CsvFilesListing> {
    const { source, spec } = this.fileSource(name);
    return listSourceFiles(source, spec, this.ctx.warehouse);
  }

  /** Streams a file into the source directory (temp dot-file, then rename); optionally starts a sync. */
  async uploadFile(name: string, file: UploadInput, options: { triggerSync?: boolean } = {}): Promise<UploadResult> {
    const { source, spec } = this.fileSource(name);
    const saved = await saveUpload(spec, file, this.ctx.maxUploadBytes);
    const kind = fileKind(source);
    this.ctx.emit('csv_uploaded', { source: name, file: saved.name, size: saved.size, message: `${kind} uploaded: ${saved.name} (${saved.size} bytes)` });
    const autoSync = options.triggerSync === true && this.requestSync(name, {});
    return {
      success: true,
      message: `${kind} uploaded successfully: ${saved.name}`,
      source_name: name,
      file_path: saved.path,
      file_name: saved.name,
      auto_sync: autoSync,
      size: saved.size,
    };
  }

  /** Deletes a file inside the source directory and starts the sync that removes its rows (even if that empties the table). */
  async deleteFile(name: string, filePath: string): Promise<DeleteFileResult> {
    const { source, spec } = this.fileSource(name);
    const abs = await resolveInsideDirectory(spec.directory, filePath);
    await unlink(abs);
    const file = path.basename(abs);
    this.ctx.emit('csv_deleted', { source: name, file, message: `${fileKind(source)} deleted: ${file}` });
    const background = this.requestSync(name, { allowEmpty: true });
    return { success: true, message: `File deleted: ${file}`, file_path: abs, source_name: name, background_sync: background };
  }

  /** Resolves when every running sync (and its follow-up) has finished; no new syncs start after this. */
  async close(): Promise<void> {
    this.closing = true;
    this.followUps.clear();
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    await Promise.allSettled([...this.bookkeeping.values()]);
  }
}
