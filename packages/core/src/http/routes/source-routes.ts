import { z } from 'zod';
import { parseDbtVars } from '../../transform/dbt-vars';
import { defineRoute } from '../route';
import { logListSchema, queryLimit, sourceParams } from '../schemas/common';
import { sourceCheckSchema, sourceDetailsSchema, sourceSummarySchema, syncBodySchema, syncStartedSchema } from '../schemas/source-schemas';

/** Listing, details, sync and logs of sources. */
export const sourceRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/sources',
    operationId: 'listSources',
    summary: 'List all configured data sources',
    tags: ['Sources'],
    input: {},
    response: z.array(sourceSummarySchema),
    handler: (platform) => platform.listSources(),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/sources/{source_name}/details',
    operationId: 'getSourceDetails',
    summary: 'Get detailed information about a source',
    tags: ['Sources'],
    input: { params: sourceParams },
    response: sourceDetailsSchema,
    errors: [404],
    handler: (platform, { params }) => platform.getSource(params.source_name),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/sources/{source_name}/sync',
    operationId: 'syncSource',
    summary: 'Trigger a data sync for a source',
    description: 'Answers at once; the sync runs in the background and reports on /ws.',
    tags: ['Sources'],
    input: { params: sourceParams, body: syncBodySchema, bodyOptional: true },
    response: syncStartedSchema,
    errors: [400, 404, 409],
    handler: (platform, { params, body }) => {
      const started = platform.startSync(params.source_name, {
        fullRefresh: body.full_refresh,
        startDate: body.start_date,
        endDate: body.end_date,
        ...(body.vars !== undefined ? { vars: parseDbtVars(body.vars) } : {}),
      });
      return { success: true as const, message: `Sync started for ${started.source_name}`, source_name: started.source_name, started_at: started.started_at };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/api/sources/{source_name}/logs',
    operationId: 'getSourceLogs',
    summary: 'Get sync logs for a source',
    tags: ['Sources'],
    input: { params: sourceParams, query: z.object({ limit: queryLimit(100) }) },
    response: logListSchema,
    errors: [400, 404],
    handler: (platform, { params, query }) => platform.sourceLogs(params.source_name, { limit: query.limit }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/sources/{source_name}/check',
    operationId: 'checkSource',
    summary: 'Check a source without syncing it',
    description: 'Connects and lists the tables (and, for file sources, the files) a sync would load. A source that cannot be reached or read answers 200 with ok: false and the reason.',
    tags: ['Sources'],
    input: { params: sourceParams },
    response: sourceCheckSchema,
    errors: [404],
    handler: (platform, { params }) => platform.checkSource(params.source_name),
  }),
];
