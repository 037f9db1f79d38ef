import { z } from 'zod';
import { defineRoute } from '../route';
import { scheduleInfoSchema } from '../schemas/schedule-schemas';

/** The sources' cron schedules. */
export const scheduleRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/schedules',
    operationId: 'listSchedules',
    summary: 'List the scheduled syncs',
    description: 'Every source with a schedule in sources.yml: its cron expression, next fire time and last scheduled run. Schedules run only on a platform started with them (dango start).',
    tags: ['Sources'],
    input: {},
    response: z.array(scheduleInfoSchema),
    handler: (platform) => platform.listSchedules(),
  }),
];
