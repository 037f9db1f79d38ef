import EventEmitter from 'eventemitter3';
import { configView, loadProjectConfig, loadProjectEnv, metabaseConfigView, projectPaths, resolveInProject } from './config';
import type { ConfigView, MetabaseConfigView, ProjectConfig } from './config';
import type { EventFields, PlatformContext } from './context';
import { nowIso, type DangoEventListeners, type DangoEventMap, type DangoEventType } from './events';
import { HealthService, type HealthOptions } from './health/health-service';
import type { HealthReport, StatusReport, WatcherStatus } from './health/types';
import { ActivityLog, logEntryForEvent, type LogEntry } from './logs';
import type { Connector } from './sources/connectors/connector';
import { createConnectorRegistry, type ConnectorRegistry } from './sources/connectors/registry';
import type { SourceCheck } from './sources/source-check';
import { SourceService } from './sources/source-service';
import type {
  CsvFilesListing, DeleteFileResult, SourceDetails, SourceSummary, StartedSync, SyncOptions, SyncResult, UploadInput, UploadResult,
} from './sources/types';
import { TransformService } from './transform/transform-service';
import type { ModelInfo, SelectionOptions, StartedModelRun, TransformResult } from './transform/types';
import { Warehouse } from './warehouse';
import { WatcherService } from './watcher/watcher-service';

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
  /** DuckDB memory limit such as `'512MB'`. */
  memoryLimit?: string;
  /** Health thresholds (disk, database size, staleness) and measurements to use instead of the defaults. */
  health?: HealthOptions;
  /** The app's own source types (made with `defineConnector`), next to the built-in ones. */
  connectors?: Connector[];
}

/**
 * The Dango platform: a thin typed facade over config, warehouse, sources, transforms, watcher,
 * health and logs. Every HTTP route, CLI command and programmatic call goes through these methods.
 */
export class DangoPlatform extends EventEmitter<DangoEventListeners> {
  private readonly ctx: PlatformContext;
  private readonly sources: SourceService;
  private readonly transforms: TransformService;
  private readonly watcher: WatcherService;
  private readonly healthService: HealthService;
  private closing: Promise<void> | null = null;
  /** Where the platform is served over HTTP, once a server knows it (for `/api/config`). */
  webUrl: string | undefined;

  private constructor(config: ProjectConfig, warehouse: Warehouse, options: OpenOptions, sourceKit: { connectors: ConnectorRegistry; env: PlatformContext['env'] }) {
    super();
    const paths = projectPaths(config.root);
    const log = new ActivityLog(paths.activityLog);
    const emit = <K extends DangoEventType>(type: K, fields: EventFields<K>): DangoEventMap[K] => {
      const event = { ...fields, type, timestamp: fields.timestamp ?? nowIso() } as unknown as DangoEventMap[K];
      (this.emit as (t: string, e: unknown) => boolean)(type, event);
      this.emit('event', event as never);
      return event;
    };
    this.on('event', (event) => {
      const entry = logEntryForEvent(event);
      if (entry) log.append(entry);
    });
    this.ctx = {
      root: config.root,
      paths,
      config,
      warehouse,
      log,
      events: this,
      emit,
      maxUploadBytes: options.maxUploadBytes ?? Math.round(config.platform.max_upload_mb * 1024 * 1024),
      startedAt: Date.now(),
      connectors: sourceKit.connectors,
      env: sourceKit.env,
    };
    this.transforms = new TransformService(this.ctx);
    this.sources = new SourceService(this.ctx, { afterSync: (source, _result, tables) => this.transforms.afterSync(source, tables) });
    this.healthService = new HealthService(this.ctx, { listModels: () => this.transforms.listModels() }, options.health);
    this.watcher = new WatcherService(this.ctx, {
      syncSource: (name) => this.sync(name),
      runModels: (select) => this.transform({ select }),
      listFiles: (name) => this.listFiles(name),
    });
  }

  /** Loads and validates the project config, opens the warehouse and, with `watch`, starts the watcher. */
  static async open(options: OpenOptions): Promise<DangoPlatform> {
    const connectors = createConnectorRegistry(options.connectors);
    const config = await loadProjectConfig(options.projectDir, { connectors });
    const env = await loadProjectEnv(projectPaths(config.root));
    if (options.debounceSeconds !== undefined) config.platform.debounce_seconds = options.debounceSeconds;
    const file = options.duckdbPath ?? resolveInProject(config.root, config.platform.duckdb_path);
    const warehouse = await Warehouse.open(file, { memoryLimit: options.memoryLimit });
    const platform = new DangoPlatform(config, warehouse, options, { connectors, env });
    platform.ctx.emit('log', { level: 'INFO', message: `Platform started (project ${config.project.name})` });
    for (const source of config.sources.filter((s) => !connectors.find(s.type))) {
      platform.ctx.emit('log', {
        level: 'WARNING',
        source: source.name,
        message: `Source '${source.name}' has type '${source.type}', which no connector handles (known: ${connectors.types().join(', ')}); it cannot sync`,
      });
    }
    if (options.watch) await platform.watcher.start();
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

  /** Seeds, runs and tests in graph order (`dango build`). */
  build(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.build(options);
  }

  /** Compiles the selected models to `target/compiled/` without running them. */
  compile(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.transforms.compile(options);
  }

  /** Writes `target/manifest.json` and `target/catalog.json`. */
  generateDocs(): Promise<{ manifest: string; catalog: string }> {
    return this.transforms.generateDocs();
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

  /** Stops the watcher, waits for running syncs and model runs, and closes the warehouse. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.watcher.close();
      await this.sources.close();
      await this.transforms.close();
      await this.ctx.warehouse.close();
      this.removeAllListeners();
    })();
    return this.closing;
  }
}
