import { existsSync, type Stats } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import type { PlatformContext } from '../context';
import { errorMessage, isDangoError } from '../errors';
import type { DangoEvent, DangoEventType } from '../events';
import type { WatcherStatus } from '../health/types';
import type { CsvFilesListing } from '../sources/types';
import { Debouncer } from './debouncer';
import { sourcesForFiles } from './file-sources';
import { FollowUpRunner } from './follow-up-runner';
import { isGeneratedFile, modelsOfFile } from './model-files';
import { nextEvent } from './next-event';
import { realTimers, type WatcherTimers } from './timers';
import { Delays, restat, WRITE_FINISH_MS, type FileChange } from './write-finish';

export { WRITE_FINISH_MS } from './write-finish';
import { watchPaths, type WatchPaths } from './watch-paths';

/** Callbacks the watcher uses to act, so it depends on the facade's behaviour, not its internals. */
export interface WatcherActions {
  /** Syncs one source and settles when it (and its after-sync model run) is done; CONFLICT when it is already syncing. */
  syncSource(name: string): Promise<unknown>;
  /** Runs the models matched by dbt selectors. */
  runModels(select: string[]): Promise<unknown>;
  /** A file source's files with their load state; lets the watcher skip changes another sync (an upload's own) already loaded. */
  listFiles?(name: string): Promise<CsvFilesListing>;
}

/** A model edit should show up quickly even when data drops are debounced for minutes. */
const MODEL_DEBOUNCE_MAX_MS = 2000;

const MODEL_RUN_KEY = 'models';

/**
 * Watches the upload folders and the dbt models folder. Data-file changes restart one debounce
 * timer; when it fires, only the sources whose directory holds the changed files are synced (their
 * after-sync hook runs the downstream models). Model edits run the model and its descendants.
 *
 * On `close()`, changes still waiting for their debounce are dropped, not flushed: a later sync
 * picks up every new or changed file anyway, so nothing is lost, and closing stays prompt.
 */
export class WatcherService {
  private fsWatcher: FSWatcher | null = null;
  private paths: WatchPaths | null = null;
  private dataChanges: Debouncer<string, FileChange> | null = null;
  private modelChanges: Debouncer<string, true> | null = null;
  private readonly pendingModels = new Set<string>();
  private readonly syncs = new FollowUpRunner((source) => this.syncOnce(source));
  private readonly modelRuns = new FollowUpRunner(() => this.runPendingModels());
  private readonly inflight = new Set<Promise<void>>();
  private readonly delays: Delays;
  private starting: Promise<void> | null = null;
  private closed = false;
  private readonly whenClosed: Promise<void>;
  private signalClosed!: () => void;

  constructor(
    readonly ctx: PlatformContext,
    readonly actions: WatcherActions,
    private readonly timers: WatcherTimers = realTimers,
  ) {
    this.delays = new Delays(timers);
    this.whenClosed = new Promise((resolve) => {
      this.signalClosed = resolve;
    });
  }

  /** Starts watching when `auto_sync` or `auto_dbt` is on; resolves once the initial scan is done. */
  start(): Promise<void> {
    this.starting ??= this.startWatching();
    return this.starting;
  }

  private async startWatching(): Promise<void> {
    const p = this.ctx.config.platform;
    if (this.closed || (!p.auto_sync && !p.auto_dbt)) return;
    const paths = watchPaths(this.ctx.config);
    // A configured upload folder that does not exist yet is created so drops into it are seen.
    await Promise.all(paths.dataDirs.map((d) => mkdir(d, { recursive: true })));
    // A project without a dbt models folder yet has nothing to run; only existing folders are watched.
    const roots = paths.roots.filter((r) => existsSync(r));
    if (roots.length === 0) return;

    const debounceMs = Math.round(p.debounce_seconds * 1000);
    this.dataChanges = new Debouncer(debounceMs, (batch) => this.track(this.onDataBatch(batch)), this.timers);
    this.modelChanges = new Debouncer(Math.min(debounceMs, MODEL_DEBOUNCE_MAX_MS), (batch) => this.track(this.onModelBatch([...batch.keys()])), this.timers);

    const fsWatcher = watch(roots, { ignoreInitial: true, alwaysStat: true, ignored: paths.ignored });
    fsWatcher.on('add', (file, stats) => this.onFile('add', file, stats));
    fsWatcher.on('change', (file, stats) => this.onFile('change', file, stats));
    fsWatcher.on('unlink', (file) => this.onFile('unlink', file));
    fsWatcher.on('error', (err) => this.ctx.emit('log', { level: 'WARNING', message: `File watcher error: ${errorMessage(err)}` }));
    await new Promise<void>((resolve) => fsWatcher.once('ready', resolve));
    if (this.closed) {
      await fsWatcher.close();
      return;
    }
    this.fsWatcher = fsWatcher;
    this.paths = paths;
    const what = [p.auto_sync ? `${p.watch_directories.join(', ')} (${p.watch_patterns.join(', ')})` : null, paths.modelsDir ? 'dbt models' : null];
    this.ctx.emit('log', { level: 'INFO', message: `File watcher started: ${what.filter(Boolean).join(' and ')}, debounce ${p.debounce_seconds}s` });
    if (p.auto_sync) this.track(this.catchUp());
  }

  /** Syncs the sources whose files changed while nothing watched (or whose sync was killed mid-load): no event will come for them. */
  private async catchUp(): Promise<void> {
    const listFiles = this.actions.listFiles;
    if (!listFiles) return;
    const behind: string[] = [];
    for (const source of this.ctx.config.sources.filter((s) => s.enabled)) {
      const listing = await listFiles(source.name).catch(() => null); // not a file source
      if (listing?.files.some((f) => f.status === 'pending' || f.status === 'missing')) behind.push(source.name);
    }
    if (this.closed || behind.length === 0) return;
    this.ctx.emit('watcher_triggered', {
      sources: behind,
      models: [],
      files: [],
      message: `File watcher: ${behind.join(', ')} had files not loaded yet at start, syncing`,
    });
    for (const source of behind) this.syncs.request(source);
  }

  /** The watcher's state (`GET /api/watcher/status`); `pid` is this process while it runs. */
  status(): WatcherStatus {
    const p = this.ctx.config.platform;
    const running = this.fsWatcher !== null;
    return {
      running,
      pid: running ? process.pid : null,
      auto_sync_enabled: p.auto_sync,
      auto_dbt_enabled: p.auto_dbt,
      debounce_seconds: p.debounce_seconds,
      watch_patterns: [...p.watch_patterns],
      watch_directories: [...p.watch_directories],
    };
  }

  /** Changed files waiting for their debounce timer (data and model files). */
  get pendingChanges(): number {
    return (this.dataChanges?.size ?? 0) + (this.modelChanges?.size ?? 0);
  }

  /** Resolves once no batch, sync or model run the watcher started is in progress (timers may still be pending). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0 || this.syncs.active.length > 0 || this.modelRuns.active.length > 0) {
      await Promise.all([...this.inflight, this.syncs.idle(), this.modelRuns.idle()]);
    }
  }

    /** Stops the timers and chokidar, drops debounced changes, and waits for syncs and runs it started. */
  async close(): Promise<void> {
    this.closed = true;
    this.signalClosed();
    this.delays.endAll();
    await this.starting?.catch(() => undefined);
    this.dataChanges?.clear();
    this.modelChanges?.clear();
    const fsWatcher = this.fsWatcher;
    this.fsWatcher = null;
    await fsWatcher?.close();
    await Promise.all([...this.inflight]);
    await Promise.all([this.syncs.close(), this.modelRuns.close()]);
  }

  private onFile(event: FileChange['event'], file: string, stats?: Stats): void {
    if (this.closed || !this.paths) return;
    const abs = path.resolve(file);
    const kind = this.paths.classify(abs);
    if (kind === 'data') {
      this.dataChanges?.add(abs, { event, size: stats?.size ?? null, mtimeMs: stats?.mtimeMs ?? null });
    } else if (kind === 'model' && event !== 'unlink') {
      // A deleted model has nothing left to run; its descendants fail on their next run with a clear error.
      this.modelChanges?.add(abs, true);
    }
  }

  private track(work: Promise<void>): void {
    const guarded = work.catch((err: unknown) => {
      this.ctx.emit('log', { level: 'WARNING', message: `File watcher: ${errorMessage(err)}` });
    });
    this.inflight.add(guarded);
    void guarded.finally(() => this.inflight.delete(guarded));
  }

  /**
   * True (and the batch re-queued) while a file is still being written: it changed since its last event,
   * or within WRITE_FINISH_MS after the debounce. Only a file stable across both is synced.
   */
  private async requeueIfStillWriting(batch: Map<string, FileChange>): Promise<boolean> {
    let { now, changed } = await restat(batch);
    if (!changed && !this.closed && [...batch.values()].some((c) => c.event !== 'unlink')) {
      await this.delays.wait(WRITE_FINISH_MS);
      ({ now, changed } = await restat(now));
    }
    if (!changed || this.closed) return false;
    for (const [file, current] of now) this.dataChanges?.add(file, current);
    return true;
  }

  private async onDataBatch(batch: Map<string, FileChange>): Promise<void> {
    if (this.closed || (await this.requeueIfStillWriting(batch)) || this.closed) return;
    const files = [...batch.keys()];
    const shown = files.map((f) => path.relative(this.ctx.root, f).split(path.sep).join('/'));
    const owners = sourcesForFiles(this.ctx.config, files);
    if (owners.length === 0) {
      this.ctx.emit('log', { level: 'INFO', message: `File watcher: ${shown.length} changed file(s) belong to no enabled source (${shown.slice(0, 5).join(', ')})` });
      return;
    }
    const needed = await Promise.all(owners.map((s) => this.needsSync(s)));
    const sources = owners.filter((_, i) => needed[i]);
    if (this.closed) return;
    if (sources.length === 0) {
      this.ctx.emit('log', { level: 'INFO', message: `File watcher: changes in ${owners.join(', ')} are already loaded` });
      return;
    }
    this.ctx.emit('watcher_triggered', {
      sources,
      models: [],
      files: shown,
      message: `File watcher: ${shown.length} changed file(s), syncing ${sources.join(', ')}`,
    });
    for (const source of sources) this.syncs.request(source);
  }

  private async onModelBatch(files: string[]): Promise<void> {
    const models = new Set<string>();
    const changed: string[] = [];
    for (const file of files) {
      if (await isGeneratedFile(file)) continue;
      const names = await modelsOfFile(file);
      if (names.length === 0) continue;
      names.forEach((n) => models.add(n));
      changed.push(path.relative(this.ctx.root, file).split(path.sep).join('/'));
    }
    if (this.closed || models.size === 0) return;
    this.ctx.emit('watcher_triggered', {
      sources: [],
      models: [...models],
      files: changed,
      message: `File watcher: model file(s) changed, running ${[...models].map((m) => `${m}+`).join(' ')}`,
    });
    models.forEach((m) => this.pendingModels.add(m));
    this.modelRuns.request(MODEL_RUN_KEY);
  }

  /**
   * Runs one action; when it answers CONFLICT (someone else's sync or run of the same thing is in
   * progress), waits for that to end and asks for one more run, so the change is not lost.
   */
  private async actOrFollowUp(action: () => Promise<unknown>, ends: DangoEventType[], accept: (e: DangoEvent) => boolean, what: string, source?: string): Promise<boolean> {
    const ended = nextEvent(this.ctx.events, ends, accept);
    try {
      await action();
      return false;
    } catch (err) {
      if (isDangoError(err, 'CONFLICT')) {
        await Promise.race([ended.promise, this.whenClosed]);
        return !this.closed;
      }
      this.ctx.emit('log', { level: 'WARNING', source, message: `Automatic ${what} failed: ${errorMessage(err)}` });
      return false;
    } finally {
      ended.dispose();
    }
  }

  /** False when every file of the source is loaded exactly as it is on disk, so a sync would change nothing. */
  private async needsSync(source: string): Promise<boolean> {
    if (!this.actions.listFiles) return true;
    try {
      const listing = await this.actions.listFiles(source);
      return listing.files.some((f) => f.status !== 'success');
    } catch {
      return true; // let the sync itself report what is wrong
    }
  }

  private async syncOnce(source: string): Promise<boolean> {
    // Re-checked on every round: after waiting for someone else's sync, it may have loaded our change.
    if (!(await this.needsSync(source))) return false;
    return this.actOrFollowUp(
      () => this.actions.syncSource(source),
      ['sync_completed', 'sync_failed'],
      (e) => 'source' in e && e.source === source,
      `sync of ${source}`,
      source,
    );
  }

  private async runPendingModels(): Promise<boolean> {
    const models = [...this.pendingModels];
    this.pendingModels.clear();
    if (models.length === 0) return false;
    const again = await this.actOrFollowUp(
      () => this.actions.runModels(models.map((m) => `${m}+`)),
      ['dbt_run_completed', 'dbt_run_failed'],
      () => true,
      `run of ${models.join(', ')}`,
    );
    if (again) models.forEach((m) => this.pendingModels.add(m));
    return again;
  }
}
