import { z } from 'zod';
import { defineRoute } from '../route';
import { modelParams, queryBoolean } from '../schemas/common';
import { modelListSchema, modelRunStartedSchema } from '../schemas/dbt-schemas';

/** dbt model listing and runs. */
export const dbtRoutes = [
  defineRoute({
    method: 'GET',
    path: '/api/dbt/models',
    operationId: 'listModels',
    summary: 'List all dbt models',
    tags: ['dbt Operations'],
    input: {},
    response: modelListSchema,
    handler: async (platform) => ({ models: await platform.listModels() }),
  }),
  defineRoute({
    method: 'POST',
    path: '/api/dbt/models/{model_name}/run',
    operationId: 'runModel',
    summary: 'Run a specific dbt model',
    description: 'Answers at once; the run continues in the background and reports on /ws.',
    tags: ['dbt Operations'],
    input: {
      params: modelParams,
      query: z.object({ cascade: queryBoolean(true).meta({ description: 'Run downstream models (default: true)' }) }),
    },
    response: modelRunStartedSchema,
    errors: [400, 404, 409],
    handler: (platform, { params, query }) => {
      const started = platform.startModelRun(params.model_name, { cascade: query.cascade });
      return { success: true as const, message: `dbt model '${started.model_name}' run started`, model_name: started.model_name, started_at: started.started_at };
    },
  }),
];
