import { z } from 'zod';
import { defineRoute } from '../route';
import { modelParams, queryBoolean } from '../schemas/common';
import type { DbtCommandName } from '../../command-runs';
import { parseDbtVars } from '../../transform/dbt-vars';
import type { SelectionOptions } from '../../transform/types';
import { commandRunSchema, commandStartedSchema, modelListSchema, modelRunStartedSchema, runParams, selectionBodySchema } from '../schemas/dbt-schemas';

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
  ...commandRoutes(),
  defineRoute({
    method: 'GET',
    path: '/api/dbt/runs/{run_id}',
    operationId: 'getCommandRun',
    summary: 'State and results of a background dbt command',
    tags: ['dbt Operations'],
    input: { params: runParams },
    response: commandRunSchema,
    errors: [404],
    handler: (platform, { params }) => platform.commandRun(params.run_id),
  }),
];

/** The background commands, one route each: `POST /api/dbt/{path}`. */
function commandRoutes() {
  const commands: { path: string; operationId: string; summary: string; command: DbtCommandName }[] = [
    { path: 'run', operationId: 'startRun', summary: 'Run the selected models (dango run)', command: 'run' },
    { path: 'build', operationId: 'startBuild', summary: 'Seed, run and test the selection in graph order (dango build)', command: 'build' },
    { path: 'test', operationId: 'startTest', summary: 'Run the data tests of the selection (dango test)', command: 'test' },
    { path: 'seed', operationId: 'startSeed', summary: 'Load the selected seeds (dango seed)', command: 'seed' },
    { path: 'snapshot', operationId: 'startSnapshot', summary: 'Run the selected snapshots (dango snapshot)', command: 'snapshot' },
    { path: 'compile', operationId: 'startCompile', summary: 'Compile the selection to target/compiled/ (dango compile)', command: 'compile' },
    { path: 'docs/generate', operationId: 'startDocsGenerate', summary: 'Write target/manifest.json and catalog.json (dango docs generate)', command: 'docs generate' },
  ];
  return commands.map((c) =>
    defineRoute({
      method: 'POST',
      path: `/api/dbt/${c.path}`,
      operationId: c.operationId,
      summary: c.summary,
      description: 'Answers at once with a run id; progress is reported on /ws (dbt_run_started, dbt_model_completed, ...) and `dbt_command_completed` ends it; the results are at GET /api/dbt/runs/{run_id}. 409 while another background command runs.',
      tags: ['dbt Operations'],
      input: { body: selectionBodySchema, bodyOptional: true },
      response: commandStartedSchema,
      errors: [400, 409],
      handler: (platform, { body }) => {
        const vars = parseDbtVars(body.vars);
        const selection: SelectionOptions = {
          ...(body.select?.length ? { select: body.select } : {}),
          ...(body.exclude?.length ? { exclude: body.exclude } : {}),
          ...(body.full_refresh ? { fullRefresh: true } : {}),
          ...(body.threads ? { threads: body.threads } : {}),
          ...(vars ? { vars } : {}),
        };
        const started = platform.startCommand(c.command, selection);
        return { success: true as const, message: `dbt ${started.command} started (run ${started.run_id})`, run_id: started.run_id, command: started.command, started_at: started.started_at };
      },
    }),
  );
}
