import type { PlatformContext } from '../context';
import { errorMessage } from '../errors';
import { nowIso } from '../events';
import type { ModelInfo } from '../transform/types';
import { CachedValue } from './cached-value';
import { dangoVersion } from './dango-version';
import { firstLine } from './first-line';
import { databaseHealth } from './database-health';
import { diskHealth, measureDisk, type DiskFigures } from './disk-health';
import { overallStatus, probeServices } from './service-states';
import { sourceHealth } from './source-health';
import { DEFAULT_HEALTH_THRESHOLDS, type HealthThresholds } from './thresholds';
import type { HealthReport, StatusReport } from './types';
import { formatUptime } from './uptime';

/** What health needs from other modules, injected by the platform so the modules stay decoupled. */
export interface HealthDependencies {
  /** Every model with its last run status (the transform module's `listModels`). */
  listModels(): Promise<ModelInfo[]>;
}

/** Overrides for thresholds and measurements, so tests and embedders can pin the figures. */
export interface HealthOptions {
  /** Replaces some of `DEFAULT_HEALTH_THRESHOLDS`. */
  thresholds?: Partial<HealthThresholds>;
  /** Measures the project's filesystem (default: `statfs` on the project folder). */
  measureDisk?: () => Promise<DiskFigures>;
  /** Measures the warehouse in bytes (default: its file plus WAL). */
  measureDatabase?: () => Promise<number>;
  /** How long service probes are reused (default 5 s). */
  probeCacheMs?: number;
  /** How long model states are reused between dbt runs (default 2 s). */
  modelCacheMs?: number;
}

/** Probe results are reused this long so a hammered `/api/status` stays cheap. */
const PROBE_CACHE_MS = 5000;

/**
 * Model states are reused this long: listing models parses the dbt project, which a burst of health
 * calls must not repeat. Any dbt run event drops the cache at once, so run results are never stale.
 */
const MODEL_CACHE_MS = 2000;

type ModelHealth = { failures: HealthReport['dbt_failures']; warnings: string[] };

/**
 * Computes `/api/status` (service probes, version, uptime) and `/api/health/platform` (database, disk,
 * failures, issues). Only reads: it never queues a warehouse write, so it answers during a long load.
 * Failing sources and models are warnings (their previous data is still served); critical issues are
 * a nearly full disk and an unreadable warehouse.
 */
export class HealthService {
  private readonly thresholds: HealthThresholds;
  private readonly services: CachedValue<Awaited<ReturnType<typeof probeServices>>>;
  private readonly models: CachedValue<ModelHealth>;
  private uptime: { seconds: number; text: string } | undefined;

  constructor(
    readonly ctx: PlatformContext,
    private readonly deps: HealthDependencies = { listModels: async () => [] },
    private readonly options: HealthOptions = {},
  ) {
    this.thresholds = { ...DEFAULT_HEALTH_THRESHOLDS, ...options.thresholds };
    this.services = new CachedValue(options.probeCacheMs ?? PROBE_CACHE_MS, () => probeServices(ctx));
    this.models = new CachedValue(options.modelCacheMs ?? MODEL_CACHE_MS, () => this.modelHealth());
    ctx.events.on('event', (event) => {
      if (event.type.startsWith('dbt_')) this.models.invalidate();
    });
  }

  /** `GET /api/status`. */
  async status(): Promise<StatusReport> {
    // While the probes are fresh the report is built without waiting on a promise.
    const probed = this.services.peek() ?? (await this.services.get());
    const services = { api: 'running' as const, ...probed };
    const uptimeSeconds = Math.floor((Date.now() - this.ctx.startedAt) / 1000);
    return {
      status: overallStatus(services),
      dango_version: dangoVersion(),
      services,
      uptime: this.uptimeText(uptimeSeconds),
      uptime_seconds: uptimeSeconds,
    };
  }

  /** The uptime text changes once a second, so a burst of status calls formats it once. */
  private uptimeText(seconds: number): string {
    if (this.uptime?.seconds !== seconds) this.uptime = { seconds, text: formatUptime(seconds) };
    return this.uptime.text;
  }

  /** `GET /api/health/platform`: the overall status is the worst of its parts. */
  async health(): Promise<HealthReport> {
    const { ctx, thresholds: t } = this;
    const sizeBytes = (this.options.measureDatabase ?? (() => ctx.warehouse.sizeBytes()))();
    const [db, disk, sources, models] = await Promise.all([
      sizeBytes.then((bytes) => databaseHealth(ctx.warehouse, bytes, t)),
      diskHealth(this.options.measureDisk ?? (() => measureDisk(ctx.root)), t),
      sourceHealth(ctx.config.sources, ctx.paths.historyDir, t.staleSourceDays),
      this.models.get(),
    ]);
    const critical = [...disk.critical, ...db.critical];
    const warnings = [...disk.warnings, ...db.warnings, ...sources.warnings, ...models.warnings];
    const status: HealthReport['status'] = critical.length > 0 ? 'critical' : warnings.length > 0 ? 'warning' : 'healthy';
    return {
      status,
      timestamp: nowIso(),
      database: db.database,
      disk: disk.disk,
      sync_failures: sources.sync_failures,
      dbt_failures: models.failures,
      total_sources: ctx.config.sources.length,
      enabled_sources: ctx.config.sources.filter((s) => s.enabled).length,
      critical_issues: critical,
      warnings,
    };
  }

  private async modelHealth(): Promise<ModelHealth> {
    let models: ModelInfo[];
    try {
      models = await this.deps.listModels();
    } catch (err) {
      return { failures: [], warnings: [`The dbt project cannot be read: ${firstLine(errorMessage(err))}`] };
    }
    // A model re-running after a failure has still failed its last finished run.
    const failed = models.filter((m) => m.status === 'error' || (m.status === 'running' && m.error));
    return {
      failures: failed.map((m) => ({ model: m.name, error: m.error ?? null, timestamp: m.last_run ?? null })),
      warnings: failed.map((m) => `Model '${m.name}' failed its last run${m.error ? `: ${firstLine(m.error)}` : ''}`),
    };
  }
}
