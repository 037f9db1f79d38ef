import { defineRoute } from '../route';
import { catalogTablesSchema, columnParams, columnProfileSchema, previewQuery, tableParams, tablePreviewSchema } from '../schemas/catalog-schemas';

/** Read-only, bounded views of the warehouse catalog (the dashboard's Catalog page). */
export const catalogRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/catalog/tables',
    operationId: 'listCatalogTables',
    summary: 'List every table and view of the warehouse with columns and row counts',
    tags: ['Catalog'],
    input: {},
    response: catalogTablesSchema,
    handler: async (platform) => ({ tables: await platform.catalogTables() }),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/catalog/tables/{schema}/{table}/preview',
    operationId: 'previewTable',
    summary: 'The first rows of a table or view',
    description: 'At most 500 rows; a query running past 10 s is stopped and answers 422.',
    tags: ['Catalog'],
    input: { params: tableParams, query: previewQuery },
    response: tablePreviewSchema,
    errors: [400, 404, 422],
    handler: (platform, { params, query }) => platform.previewTable(params.schema, params.table, query.limit),
  }),
  defineRoute({
    method: 'GET',
    path: '/api/catalog/tables/{schema}/{table}/columns/{column}/profile',
    operationId: 'profileColumn',
    summary: 'Profile one column: nulls, distinct count, min/max, top values',
    description: 'Computed on demand over at most the first 1,000,000 rows; a profile running past 10 s is stopped and answers 422.',
    tags: ['Catalog'],
    input: { params: columnParams },
    response: columnProfileSchema,
    errors: [404, 422],
    handler: (platform, { params }) => platform.profileColumn(params.schema, params.table, params.column),
  }),
];
