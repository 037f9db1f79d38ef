import { configView, loadProjectConfig, loadProjectEnv, metabaseConfigView, projectPaths, resolveInProject } from './config';
import type { ConfigView, MetabaseConfigView, ProjectConfig } from './config';
import { reportAfterSync } from './after-sync-report';
import { CommandRuns, type CommandRun, type DbtCommandName, type StartedCommand } from './command-runs';
import { createPlatformContext, type PlatformContext } from './context';
import { EventBus, type DangoEventName, type DangoEventSource, type DangoListener, type Unsubscribe } from './event-bus';
import { HealthService, type HealthOptions } from './health/health-service';
import type { HealthReport, StatusReport, WatcherStatus } from './health/types';
import type { LogEntry } from './logs';
import { removeStaleUploads } from './sources/uploads';
import type { Connector } from './sources/connectors/connector';
import { createConnectorRegistry, type ConnectorRegistry } from './sources/connectors/registry';
import type { SourceCheck } from './sources/source-check';
import { SourceService } from './sources/source-service';
import type {
  CsvFilesListing, DeleteFileResult, SourceDetails, SourceSummary, StartedSync, SyncOptions, SyncResult, UploadInput, UploadResult,
} from './sources/types';
import { TransformService } from './transform/transform-service';
import type { ModelInfo, SelectionOptions, StartedModelRun, TransformResult } from './transform/types';
import { Warehouse, duckdbOpenOptions } from './warehouse';
import type { WatcherTimers } from './watcher/timers';
import { WatcherService } from './watcher/watcher-service';
import { catalogTables, previewTable, profileColumn, type CatalogTable, type ColumnProfile, type TablePreview } from './warehouse/catalog-reader';
import { modelDetails, type ModelDetails } from './transform/model-details';
import { realClock, type ScheduleClock } from './schedules/clock';
import { SourcesFileWatch } from './schedules/sources-file-watch';
import { FailureNotifier } from './schedules/failure-notifier';
import { Scheduler } from './schedules/scheduler';
import type { ScheduleInfo, ScheduleOptions } from './schedules/types';

/** Options of `DangoPlatform.open`. */
export interface OpenOptions {
  /** The project folder (holding `.dango/`). */
  projectDir: string;
  /** Override the warehouse file; `:memory:` for tests. Defaults to `platform.duckdb_path`. */
  duckdbPath?: string;
  /** Start the file watcher (auto-sync / auto-dbt per config). */
  watch?: boolean;
  /** Override `platform.max_upload_mb`, in bytes. */
  maxUploadBytes?: number;
  /** Override `platform.debounce_seconds` (tests use 1). */
  debounceSeconds?: number;
  /** DuckDB memory limit such as `'512MB'`; wins over `platform.duckdb.memory_limit`. */
  memoryLimit?: string;
  /** Health thresholds (disk, database size, staleness) and measurements to use instead of the defaults. */
  health?: HealthOptions;
  /** `false` for an open that only reads (`dango status`): no "Platform started" line in the activity log. Default true. */
  record?: boolean;
  /** The app's own source types (made with `defineConnector`), next to the built-in ones. */
  connectors?: Connector[];
  /** @internal Testing hook: the timers the watcher waits with, so tests step its debounce instead of racing a clock. */
  watcherTimers?: WatcherTimers;
  /** Run the sources' cron `schedule`s while open (`dango start` does); off by default. An object turns them on with options. */
  schedules?: boolean | ScheduleOptions;
  /** @internal Testing hook: the clock and timers of the scheduler. */
  scheduleClock?: ScheduleClock;
}

/**
 * The Dango platform: a thin typed facade over config, warehouse, sources, transforms, watcher,
 * health and logs. Every HTTP route, CLI command and programmatic call goes through these methods.
 */
export class DangoPlatform implements DangoEventSource {
  private readonly ctx: PlatformContext;
  private readonly bus = new EventBus();
  private readonly sources: SourceService;
  private readonly transforms: TransformService;
  private readonly watcher: WatcherService;
  private readonly healthService: HealthService;
  private readonly commands: CommandRuns;
  private readonly scheduler: Scheduler;
  private readonly notifier: FailureNotifier;
  private sourcesWatch: SourcesFileWatch | null = null;
  private closing: Promise<void> | null = null;
  /** Where the platform is served over HTTP, once a server knows it (for `/api/config`). */
  webUrl: string | undefined;

  private constructor(config: ProjectConfig, warehouse: Warehouse, options: OpenOptions, sourceKit: { connectors: ConnectorRegistry; env: PlatformContext['env'] }) {
    this.ctx = createPlatformContext(config, warehouse, this.bus, {
      maxUploadBytes: options.maxUploadBytes ?? Math.round(config.platform.max_upload_mb * 1024 * 1024),
      ...sourceKit,
    });
    this.transforms = new TransformService(this.ctx);
    this.commands = new CommandRuns(this.ctx);
    this.sources = new SourceService(this.ctx, {
      afterSync: (source, _result, tables, vars) => reportAfterSync(this.ctx, source, () => this.transforms.afterSync(source, tables, vars)),
      nextSync: (source) => this.scheduler.nextSync(source),
    });
    this.scheduler = new Scheduler(this.ctx, {
      startSync: (name) => this.sources.startSync(name),
      isSyncing: (name) => this.sources.isSyncing(name),
      lastSyncAt: async (name) => (await this.sources.history(name))[0]?.timestamp ?? null,
    }, { ...(typeof options.schedules === 'object' ? options.schedules : {}), clock: options.scheduleClock });
    this.notifier = new FailureNotifier(this.ctx, this.scheduler);
    this.healthService = new HealthService(this.ctx, { listModels: () => this.transforms.listModels() }, options.health);
    this.watcher = new WatcherService(this.ctx, {
      syncSource: (name) => this.sync(name),
      runModels: (select) => this.transform({ select }),
      listFiles: (name) => this.listFiles(name),
    }, options.watcherTimers);
  }

  /** Loads and validates the project config, opens the warehouse and, with `watch`, starts the watcher. */
  static async open(options: OpenOptions): Promise<DangoPlatform> {
    const connectors = createConnectorRegistry(options.connectors);
    const config = await loadProjectConfig(options.projectDir, { connectors });
    const env = await loadProjectEnv(projectPaths(config.root));
    if (options.debounceSeconds !== undefined) config.platform.debounce_seconds = options.debounceSeconds;
    const file = options.duckdbPath ?? resolveInProject(config.root, config.platform.duckdb_path);
    const warehouse = await Warehouse.open(file, duckdbOpenOptions(config, options.memoryLimit));
    const platform = new DangoPlatform(config, warehouse, options, { connectors, env });
    // A read-only open (`dango status`, `dango logs`) records nothing and leaves the folders alone.
    if (options.record !== false) {
      platform.ctx.emit('log', { level: 'INFO', message: `Platform started (project ${config.project.name})` });
      await removeStaleUploads(platform.ctx);
    }
    for (const source of config.sources.filter((s) => !connectors.find(s.type))) {
      platform.ctx.emit('log', {
        level: 'WARNING',
        source: source.name,
        message: `Source '${source.name}' has type '${source.type}', which no connector handles (known: ${connectors.types().join(', ')}); it cannot sync`,
      });
    }
    if (options.watch) await platform.watcher.start();
    if (options.schedules) {
      // Schedules run for as long as the platform does, so edits of sources.yml apply without a restart.
      platform.sourcesWatch = new SourcesFileWatch(platform.ctx, () => platform.reloadSources(), options.scheduleClock ?? realClock);
      await platform.sourcesWatch.start();
      await platform.scheduler.start();
    }
    return platform;
  }

  /** The project folder. */
  get projectDir(): string {
    return this.ctx.root;
  }

  /** The validated project configuration. */
  get config(): ProjectConfig {
    return this.ctx.config;
  }

  /** The warehouse, for queries from code (`platform.warehouse.query(sql)`). */
  get warehouse(): Warehouse {
    return this.ctx.warehouse;
  }

  // ---- events -------------------------------------------------------------------------------

  /** Calls `listener` for every event of `type` (`'event'`: every event); returns its unsubscribe function. */
  on<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe {
    return this.bus.on(type, listener);
  }

  /** Calls `listener` for the next event of `type` only; returns its unsubscribe function. */
  once<K extends DangoEventName>(type: K, listener: DangoListener<K>): Unsubscribe {
    return this.bus.once(type, listener);
  }

  /** Removes a listener added with `on` or `once`. */
  off<K extends DangoEventName>(type: K, listener: DangoListener<K>): void {
    this.bus.off(type, listener);
  }

  // ---- sources -------------------------------------------------------------------------------

  /** Every configured source with status, freshness and tables (`GET /api/sources`). */
  listSources(): Promise<SourceSummary[]> {
    return this.sources.list();
  }

  /** One source's config (secrets masked), history and tables (`GET /api/sources/{name}/details`). */
  getSource(name: string): Promise<SourceDetails> {
    return this.sources.details(name);
  }

  /** Syncs a source and resolves with the finished result (a failed sync resolves with `status: 'failed'`). */
  sync(name: string, options: SyncOptions = {}): Promise<SyncResult> {
    return this.sources.sync(name, options);
  }

  /** Starts a sync and returns at once; throws CONFLICT when that source is already syncing. */
  startSync(name: string, options: SyncOptions = {}): StartedSync {
    return this.sources.startSync(name, options);
  }

  /** Every source with a cron `schedule`: next fire time, last scheduled run (`GET /api/schedules`). */
  listSchedules(): ScheduleInfo[] {
    return this.scheduler.list();
  }

  /** Re-reads `.dango/sources.yml` (validated as at open; an invalid file changes nothing) and applies it, schedules included. */
  async reloadSources(): Promise<void> {
    const next = await loadProjectConfig(this.ctx.root, { connectors: this.ctx.connectors });
    this.ctx.config.sources = next.sources;
    this.scheduler.reschedule();
  }

  /** Connects and lists what a sync of the source would load, without loading (`POST /api/sources/{name}/check`). */
  checkSource(name: string): Promise<SourceCheck> {
    return this.sources.check(name);
  }

  /** The newest log lines about one source, oldest first. */
  sourceLogs(name: string, options: { limit?: number } = {}): Promise<LogEntry[]> {
    return this.sources.details(name).then(() => this.ctx.log.entries({ source: name, limit: options.limit ?? 100 }));
  }

  /** Streams an uploaded file into a file source's directory (never a partial file on disk). */
  uploadFile(name: string, file: UploadInput, options: { triggerSync?: boolean } = {}): Promise<UploadResult> {
    return this.sources.uploadFile(name, file, options);
  }

  /** The files of a file source, on disk and loaded (`GET .../csv-files`). */
  listFiles(name: string): Promise<CsvFilesListing> {
    return this.sources.listFiles(name);
  }

  /** Deletes a file inside a file source's directory and starts the sync that removes its rows. */
  deleteFile(name: string, filePath: string): Promise<DeleteFileResult> {
    return this.sources.deleteFile(name, filePath);
  }

  // ---- logs, config ------------------------------------------------------------------------------

  /** The newest activity-log lines, oldest first (`GET /api/logs`). */
  logs(options: { limit?: number } = {}): LogEntry[] {
    return this.ctx.log.entries({ limit: options.limit ?? 1000 });
  }

  /** Service URLs and project identity (`GET /api/config`), for a client that reached the platform at `baseUrl` (default `webUrl`). */
  configView(baseUrl?: string): ConfigView {
    return configView(this.ctx.config, baseUrl ?? this.webUrl);
  }

  /** Metabase integration state (`GET /api/metabase-config`). */
  metabaseConfig(): MetabaseConfigView {
    return metabaseConfigView(this.ctx.config);
  }

  // ---- transformations ---------------------------------------------------------------------------

  /** Every model of the dbt project with its last run status (`GET /api/dbt/models`). */
  listModels(): Promise<ModelInfo[]> {
    return this.transforms.listModels();
  }

  /** Runs one model (and, with `cascade`, its descendants) and resolves with the result. */
  runModel(name: string, options: { cascade?: boolean } = {}): Promise<TransformResult> {
    return this.transforms.runModel(name, options);
  }

  /** Starts a model run and returns at once; CONFLICT when that model is already running. */
  startModelRun(name: string, options: { cascade?: boolean } = {}): StartedModelRun {
    return this.transforms.startModelRun(name, options);
  }

  /** Runs the selected models (`dango run`). */
  transform(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.run(options);
  }

  /** Runs the selected data tests (`dango test`). */
  test(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.test(options);
  }

  /** Loads the seeds (`dango seed`). */
  seed(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.seed(options);
  }

  /** Runs the selected snapshots (`dango snapshot`). */
  snapshot(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.snapshot(options);
  }

  /** Seeds, runs and tests in graph order (`dango build`). */
  build(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.build(options);
  }

  /** Compiles the selected models to `target/compiled/` without running them. */
  compile(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.compile(options);
  }

  /** Writes `target/manifest.json` and `target/catalog.json`; `vars` as dbt's `--vars`. */
  generateDocs(options: Pick<SelectionOptions, 'vars'> = {}): Promise<{ manifest: string; catalog: string }> {
    return this.transforms.generateDocs(options);
  }

  // ---- background dbt commands (POST /api/dbt/{command}; the CLI while a server runs) -----------------

  /** Starts a dbt command (`run`, `build`, `test`, `seed`, `snapshot`, `compile`, `docs generate`) in the background; CONFLICT while another runs. */
  startCommand(command: DbtCommandName, options: SelectionOptions = {}): StartedCommand {
    return this.commands.start(command, async () => {
      if (command !== 'docs generate') return this.transforms[command](options);
      const { manifest, catalog } = await this.transforms.generateDocs(options);
      return { files: [manifest, catalog] };
    });
  }

  /** A background command's state and, once finished, its result (`GET /api/dbt/runs/{run_id}`). */
  commandRun(runId: string): CommandRun {
    return this.commands.get(runId);
  }

  // ---- watcher and health --------------------------------------------------------------------------

  /** The in-process file watcher's state (`GET /api/watcher/status`). */
  watcherStatus(): WatcherStatus {
    return this.watcher.status();
  }

  /** Service health and uptime (`GET /api/status`). */
  status(): Promise<StatusReport> {
    return this.healthService.status();
  }

  /** Database, disk, failures and issues (`GET /api/health/platform`). */
  health(): Promise<HealthReport> {
    return this.healthService.health();
  }

  /** @internal The shared module context, for core's own layers (HTTP, CLI plumbing). */
  get context(): PlatformContext {
    return this.ctx;
  }

  // ---- dashboard reads -----------------------------------------------------------------------------

  /** Every table and view of the warehouse with columns and row counts (`GET /api/catalog/tables`). */
  catalogTables(): Promise<CatalogTable[]> {
    return catalogTables(this.ctx.warehouse);
  }

  /** The first rows (at most 500) of a table or view. */
  previewTable(schema: string, table: string, limit = 50): Promise<TablePreview> {
    return previewTable(this.ctx.warehouse, schema, table, limit);
  }

  /** Nulls, distinct count, min/max and top values of one column, over at most 1M rows. */
  profileColumn(schema: string, table: string, column: string): Promise<ColumnProfile> {
    return profileColumn(this.ctx.warehouse, schema, table, column);
  }

  /** One model's raw and compiled SQL, columns, tests and lineage. */
  modelDetails(name: string): Promise<ModelDetails> {
    return modelDetails({ dbtDir: this.transforms.dbtDir, warehouse: this.ctx.warehouse, threads: this.ctx.config.platform.threads }, name);
  }

  /** Stops the watcher and the schedules, waits for running syncs and model runs, and closes the warehouse. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.watcher.close();
      await this.sourcesWatch?.close();
      await this.scheduler.close();
      await this.sources.close();
      await this.notifier.close();
      await this.commands.close();
      await this.transforms.close();
      await this.ctx.warehouse.close();
      this.bus.clear();
    })();
    return this.closing;
  }
}
