import { z } from 'zod';
import { defineRoute } from '../route';
import { logListSchema, queryLimit } from '../schemas/common';

/** The activity log. */
export const logRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/logs',
    operationId: 'getLogs',
    summary: 'Get all activity logs',
    tags: ['Logs'],
    input: { query: z.object({ limit: queryLimit(1000) }) },
    response: logListSchema,
    errors: [400],
    handler: (platform, { query }) => platform.logs({ limit: query.limit }),
  }),
];
