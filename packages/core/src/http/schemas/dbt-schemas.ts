import { z } from 'zod';
import { timestamp } from './common';

/** One item of `GET /api/dbt/models`. */
export const modelInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  database: z.string(),
  schema: z.string(),
  depends_on: z.array(z.string()),
  materialization: z.string(),
  status: z.enum(['success', 'error', 'skipped', 'running']).nullable(),
  tags: z.array(z.string()).optional(),
  path: z.string().optional(),
  last_run: timestamp.nullable().optional().meta({ description: 'When the model last ran' }),
  execution_time: z.number().min(0).nullable().optional().meta({ description: 'Seconds the last run of the model took (null before its first run)' }),
  error: z.string().nullable().optional(),
});

/** `GET /api/dbt/models`. */
export const modelListSchema = z.object({ models: z.array(modelInfoSchema) });

/** Answer of `POST /api/dbt/models/{model_name}/run`. */
export const modelRunStartedSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  model_name: z.string(),
  started_at: timestamp,
});

/** Body of `POST /api/dbt/{run|build|test|seed|compile}`: a dbt selection, every field optional. */
export const selectionBodySchema = z.object({
  select: z.array(z.string().min(1)).optional().meta({ description: 'dbt selectors, unioned: name, name+, +name, tag:x, source:x+, path:models/marts (default: everything)' }),
  exclude: z.array(z.string().min(1)).optional().meta({ description: 'Selectors to leave out' }),
  full_refresh: z.boolean().default(false).meta({ description: 'Rebuild incremental models and seeds from scratch' }),
  threads: z.number().int().min(1).max(64).optional().meta({ description: 'Models run at once (default: platform.threads)' }),
  vars: z.union([z.string(), z.record(z.string(), z.unknown())]).optional()
    .meta({ description: "Values for var() over dbt_project.yml vars (dbt's --vars): a mapping, or its YAML/JSON text" }),
});

const commandName = z.enum(['run', 'build', 'test', 'seed', 'compile', 'snapshot', 'docs generate']);

/** Answer of `POST /api/dbt/{command}`: the command started; `dbt_command_completed` on /ws ends it. */
export const commandStartedSchema = z.object({
  success: z.literal(true),
  message: z.string(),
  run_id: z.string().meta({ description: 'Id for GET /api/dbt/runs/{run_id} and the dbt_command_completed event' }),
  command: commandName,
  started_at: timestamp,
});

const nodeResultSchema = z.object({
  unique_id: z.string(),
  name: z.string(),
  resource_type: z.enum(['model', 'seed', 'test', 'snapshot', 'unit_test']),
  status: z.enum(['success', 'error', 'skipped', 'pass', 'fail', 'warn']),
  execution_time: z.number().min(0),
  message: z.string().nullable(),
  failures: z.number().int().min(0).nullable().optional(),
  rows_affected: z.number().int().min(0).nullable().optional(),
});

/** A finished run's results, in completion order, with dbt's summary counts. */
export const transformResultSchema = z.object({
  success: z.boolean(),
  started_at: timestamp,
  finished_at: timestamp,
  elapsed_seconds: z.number().min(0),
  results: z.array(nodeResultSchema),
  counts: z.object({ pass: z.number().int().min(0), warn: z.number().int().min(0), error: z.number().int().min(0), skip: z.number().int().min(0) }),
});

/** `GET /api/dbt/runs/{run_id}`. */
export const commandRunSchema = z.object({
  run_id: z.string(),
  command: commandName,
  status: z.enum(['running', 'success', 'error']),
  started_at: timestamp,
  finished_at: timestamp.nullable(),
  result: transformResultSchema.nullable().meta({ description: 'Node results; null while running, for docs generate, and when the command failed before any node' }),
  artifacts: z.array(z.string()).meta({ description: 'Files written, relative to the project (docs generate)' }),
  error: z.string().nullable().meta({ description: 'Why the command failed before or outside its nodes' }),
});

/** `{run_id}` path parameter. */
export const runParams = z.object({ run_id: z.string().min(1).meta({ description: 'The run id a POST /api/dbt/{command} answered with' }) });
