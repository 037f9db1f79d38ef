import { z } from 'zod';
import { timestamp } from './common';

/** One item of `GET /api/schedules`. */
export const scheduleInfoSchema = z.object({
  source: z.string(),
  schedule: z.string().meta({ description: 'Cron expression (5 fields, or 6 with seconds first)', example: '0 * * * *' }),
  timezone: z.string().nullable().meta({ description: "IANA time zone the schedule is read in; null = the server machine's" }),
  retries: z.number().int().min(0).meta({ description: 'Retries of a failed scheduled sync (exponential backoff)' }),
  next_sync: timestamp.nullable().meta({ description: 'Next fire time; null when this server does not run schedules, the source is disabled, or the expression never fires again' }),
  enabled: z.boolean().meta({ description: "The source's enabled flag" }),
  active: z.boolean().meta({ description: 'True when this server runs the schedule (schedules on, source enabled)' }),
  running: z.boolean().meta({ description: 'True while a scheduled run (or its wait before a retry) is in progress' }),
  last_run: z
    .object({
      started_at: timestamp,
      status: z.enum(['running', 'success', 'failed']),
      attempts: z.number().int().min(1).meta({ description: 'Sync attempts, retries included' }),
    })
    .nullable()
    .meta({ description: 'The last scheduled run since the server started; null when none ran yet' }),
});
