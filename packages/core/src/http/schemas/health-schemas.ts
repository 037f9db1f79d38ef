import { z } from 'zod';
import { timestamp } from './common';

const serviceState = z.enum(['running', 'healthy', 'unhealthy', 'not_configured']);

/** `GET /api/status`. */
export const statusSchema = z.object({
  status: z.enum(['healthy', 'degraded', 'unhealthy']),
  dango_version: z.string(),
  services: z.object({ api: serviceState, duckdb: serviceState, metabase: serviceState, dbt_docs: serviceState }),
  uptime: z.string(),
  uptime_seconds: z.number().min(0).optional(),
});

/** `GET /api/health/platform`. */
export const healthSchema = z.object({
  status: z.enum(['healthy', 'warning', 'critical']),
  timestamp,
  database: z.object({
    size_mb: z.number().min(0),
    tables: z.number().int().min(0),
    status: z.enum(['new', 'small', 'medium', 'large', 'error']),
    raw_tables: z.number().int().min(0),
    staging_tables: z.number().int().min(0),
    marts_tables: z.number().int().min(0),
  }),
  disk: z.object({ status: z.enum(['ok', 'low', 'critical', 'unknown']), free_gb: z.number().min(0), total_gb: z.number().min(0) }),
  sync_failures: z.array(z.object({ source: z.string(), error: z.string().nullable(), timestamp })),
  dbt_failures: z.array(z.object({ model: z.string(), error: z.string().nullable(), timestamp: timestamp.nullable() })),
  total_sources: z.number().int().min(0),
  enabled_sources: z.number().int().min(0),
  critical_issues: z.array(z.string()),
  warnings: z.array(z.string()),
});

/** `GET /api/watcher/status`. */
export const watcherStatusSchema = z.object({
  running: z.boolean(),
  pid: z.number().int().min(0).nullable(),
  auto_sync_enabled: z.boolean(),
  auto_dbt_enabled: z.boolean(),
  debounce_seconds: z.number().min(0),
  watch_patterns: z.array(z.string()),
  watch_directories: z.array(z.string()),
});

/** `GET /api/config`. */
export const configViewSchema = z.object({
  web_port: z.number().int().min(0),
  web_url: z.string(),
  metabase_url: z.string().nullable(),
  dbt_docs_url: z.string(),
  api_url: z.string(),
  project_name: z.string(),
  organization: z.string(),
});

/** `GET /api/metabase-config`. */
export const metabaseConfigSchema = z.object({ database_id: z.number().int().positive().nullable(), configured: z.boolean() });
