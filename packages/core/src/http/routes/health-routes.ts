import { defineRoute } from '../route';
import { configViewSchema, healthSchema, metabaseConfigSchema, statusSchema, watcherStatusSchema } from '../schemas/health-schemas';

/** Health, status, watcher and configuration endpoints. */
export const healthRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/status',
    operationId: 'getStatus',
    summary: 'Get service health status',
    tags: ['Health & Status'],
    input: {},
    response: statusSchema,
    memoizeJson: true,
    handler: (platform) => platform.status(),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/health/platform',
    operationId: 'getPlatformHealth',
    summary: 'Get comprehensive platform health',
    tags: ['Health & Status'],
    input: {},
    response: healthSchema,
    handler: (platform) => platform.health(),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/watcher/status',
    operationId: 'getWatcherStatus',
    summary: 'Get file watcher status',
    tags: ['Health & Status'],
    input: {},
    response: watcherStatusSchema,
    handler: (platform) => platform.watcherStatus(),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/config',
    operationId: 'getConfig',
    summary: 'Get Dango configuration and service URLs',
    tags: ['Configuration'],
    input: {},
    response: configViewSchema,
    // Each client gets the URLs it reached Dango at: a Host header never sticks for everyone else.
    handler: (platform, { request }) => platform.configView(request.baseUrl ?? undefined),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/metabase-config',
    operationId: 'getMetabaseConfig',
    summary: 'Get Metabase configuration',
    tags: ['Configuration'],
    input: {},
    response: metabaseConfigSchema,
    handler: (platform) => platform.metabaseConfig(),
  }),
];
