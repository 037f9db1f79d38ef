/** A service's state in `GET /api/status`. */
export type ServiceState = 'running' | 'healthy' | 'unhealthy' | 'not_configured';

/** `GET /api/status`. */
export interface StatusReport {
  status: 'healthy' | 'degraded' | 'unhealthy';
  dango_version: string;
  services: { api: ServiceState; duckdb: ServiceState; metabase: ServiceState; dbt_docs: ServiceState };
  uptime: string;
  uptime_seconds?: number;
}

/** `GET /api/health/platform`. */
export interface HealthReport {
  status: 'healthy' | 'warning' | 'critical';
  timestamp: string;
  database: {
    size_mb: number;
    tables: number;
    status: 'new' | 'small' | 'medium' | 'large' | 'error';
    raw_tables: number;
    staging_tables: number;
    marts_tables: number;
  };
  disk: { status: 'ok' | 'low' | 'critical' | 'unknown'; free_gb: number; total_gb: number };
  sync_failures: { source: string; error: string | null; timestamp: string }[];
  dbt_failures: { model: string; error: string | null; timestamp: string | null }[];
  total_sources: number;
  enabled_sources: number;
  critical_issues: string[];
  warnings: string[];
}

/** `GET /api/watcher/status`. */
export interface WatcherStatus {
  running: boolean;
  pid: number | null;
  auto_sync_enabled: boolean;
  auto_dbt_enabled: boolean;
  debounce_seconds: number;
  watch_patterns: string[];
  watch_directories: string[];
}
