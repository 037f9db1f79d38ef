import { defineRoute } from '../route';
import { modelParams } from '../schemas/common';
import { modelDetailsSchema } from '../schemas/model-details-schemas';

/** One model's SQL, columns, tests and lineage (the dashboard's model page). */
export const modelDetailsRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/dbt/models/{model_name}/details',
    operationId: 'getModelDetails',
    summary: 'Get a model with its raw and compiled SQL, columns, tests and lineage',
    tags: ['dbt Operations'],
    input: { params: modelParams },
    response: modelDetailsSchema,
    errors: [404],
    handler: (platform, { params }) => platform.modelDetails(params.model_name),
  }),
];
