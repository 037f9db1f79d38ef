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
  last_run: timestamp.nullable().optional(),
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
