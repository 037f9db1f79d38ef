import { z } from 'zod';

/** A query boolean: `true/false/1/0`, plus `True/False`, which Python's requests sends for `params={'x': True}`. */
export const queryBoolean = (defaultValue: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'True', 'False'], { error: "must be one of 'true', 'false', '1', '0'" })
    .default(defaultValue ? 'true' : 'false')
    .transform((v) => v === 'true' || v === 'True' || v === '1');

/** A `limit` query parameter with the route's default. */
export const queryLimit = (defaultValue: number) =>
  z.coerce
    .number({ error: 'must be a whole number' })
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(100_000, 'must be at most 100000')
    .default(defaultValue)
    .meta({ description: `Maximum entries (default: ${defaultValue})` });

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/** A `YYYY-MM-DD` calendar date (or null). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date as YYYY-MM-DD', abort: true })
  .refine(isCalendarDate, 'is not a real calendar date')
  .nullable();

/** `{source_name}` path parameter. */
export const sourceParams = z.object({ source_name: z.string().min(1).meta({ description: 'Name of the source' }) });

/** `{model_name}` path parameter. */
export const modelParams = z.object({ model_name: z.string().min(1).meta({ description: 'Name of the model' }) });

/** ISO 8601 UTC timestamp. */
export const timestamp = z.string().meta({ description: 'ISO 8601 UTC timestamp', example: '2025-12-09T10:30:00Z' });

/** One activity-log line. */
export const logEntrySchema = z.object({
  timestamp,
  level: z.enum(['INFO', 'WARNING', 'ERROR', 'SUCCESS']),
  message: z.string(),
  source: z.string().optional(),
  model: z.string().optional(),
  type: z.string().optional(),
});

/** A list of activity-log lines, oldest first. */
export const logListSchema = z.array(logEntrySchema);

/** The error body of every failure. */
export const errorSchema = z.object({ detail: z.string() }).meta({ description: 'Every error answer' });
