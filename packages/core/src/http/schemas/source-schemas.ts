import { z } from 'zod';
import { isoDate, timestamp } from './common';

const sourceStatus = z.enum(['synced', 'syncing', 'failed', 'empty', 'not_synced', 'unknown']);

const tableSchema = z.object({ name: z.string(), row_count: z.number().int().min(0), schema: z.string() });

/** One item of `GET /api/sources`. */
export const sourceSummarySchema = z.object({
  name: z.string(),
  type: z.string(),
  enabled: z.boolean(),
  description: z.string().optional(),
  last_sync: timestamp.nullable(),
  row_count: z.number().int().min(0),
  status: sourceStatus,
  freshness: z.object({ last_update: timestamp.nullable(), days_old: z.number().nullable() }),
  tables: z.array(tableSchema),
  pending_files: z.number().int().min(0).meta({ description: 'Files on disk not loaded as they are yet (new or changed since the last sync)' }),
});

/** One sync in a source's history. */
export const historyEntrySchema = z.object({
  timestamp,
  status: z.enum(['success', 'failed']),
  duration_seconds: z.number().min(0),
  rows_processed: z.number().int().min(0),
  full_refresh: z.boolean(),
  error_message: z.string().nullable(),
});

/** `GET /api/sources/{source_name}/details`. */
export const sourceDetailsSchema = z.object({
  name: z.string(),
  config: z.record(z.string(), z.unknown()).meta({ description: 'The source as configured, secrets masked' }),
  history: z.array(historyEntrySchema),
  row_count: z.number().int().min(0),
  tables: z.array(tableSchema),
  status: sourceStatus,
  last_sync: timestamp.nullable(),
  schema_changes: z
    .array(
      z.object({
        table: z.string(),
        column: z.string(),
        change: z.enum(['column_added', 'type_widened', 'column_missing', 'column_dropped']),
        from_type: z.string().nullable(),
        to_type: z.string().nullable(),
        detected_at: timestamp,
      }),
    )
    .meta({ description: 'Schema changes of the raw tables (columns added, types widened, columns gone from the source), newest first' }),
  pending_files: z.number().int().min(0).meta({ description: 'Files on disk not loaded as they are yet' }),
});

/** Body of `POST /api/sources/{source_name}/sync`; every field optional. */
export const syncBodySchema = z.object({
  full_refresh: z.boolean().default(false).meta({ description: 'Rebuild the tables from scratch' }),
  start_date: isoDate.optional().meta({ description: 'YYYY-MM-DD, for sources that load a date window' }),
  end_date: isoDate.optional().meta({ description: 'YYYY-MM-DD or null' }),
  vars: z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
    .meta({ description: "Values for var() in the models the sync runs afterwards (dbt's --vars): a mapping, or its YAML/JSON text" }),
});

/** Answer of `POST /api/sources/{source_name}/sync`. */
export const syncStartedSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  source_name: z.string(),
  started_at: timestamp,
});

const csvFileSchema = z.object({
  filename: z.string(),
  path: z.string(),
  size: z.number().int().min(0).nullable(),
  modified: timestamp.nullable(),
  on_disk: z.boolean(),
  loaded: z.boolean(),
  rows_loaded: z.number().int().min(0),
  status: z.enum(['success', 'failed', 'pending', 'missing']),
  error: z.string().nullable().optional(),
});

/** `GET /api/sources/{source_name}/csv-files`. */
export const csvFilesSchema = z.object({
  source_name: z.string(),
  directory: z.string(),
  file_pattern: z.string(),
  files: z.array(csvFileSchema),
  total_files: z.number().int().min(0),
  files_on_disk: z.number().int().min(0),
  files_loaded: z.number().int().min(0),
});

/** `POST /api/sources/{source_name}/upload-csv`. */
export const uploadResultSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  source_name: z.string(),
  file_path: z.string(),
  file_name: z.string(),
  auto_sync: z.boolean(),
  size: z.number().int().min(0).optional(),
});

/** `DELETE /api/sources/{source_name}/csv-files`. */
export const deleteResultSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  file_path: z.string(),
  source_name: z.string(),
  background_sync: z.boolean(),
});

/** `POST /api/sources/{source_name}/check`: what a sync would load, found without loading. */
export const sourceCheckSchema = z.object({
  source: z.string(),
  type: z.string(),
  ok: z.boolean().meta({ description: 'False when the source cannot be reached or read; `error` says why' }),
  tables: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.object({ name: z.string(), type: z.string() })).optional(),
      files: z.array(z.string()).optional().meta({ description: 'File sources: the files a sync would read' }),
    }),
  ),
  error: z.string().optional().meta({ description: 'Why the check failed (never contains a secret)' }),
});
