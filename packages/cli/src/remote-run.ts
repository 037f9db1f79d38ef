import { DangoError, nowIso, type DangoEvent, type ModelInfo, type NodeResult, type SelectionOptions, type TransformResult } from '@dango/core';
import type { ApiClient } from './api-client';
import { countResults } from './transform-report';

/** The model runs a selection maps to over the API (`m` or `m+`), or null when the API cannot express it. */
export function apiRunsFor(options: SelectionOptions): { model: string; cascade: boolean }[] | null {
  if (!options.select?.length || options.exclude?.length || options.fullRefresh || options.threads) return null;
  const runs: { model: string; cascade: boolean }[] = [];
  for (const sel of options.select) {
    const m = /^([A-Za-z_][\w]*)(\+?)$/.exec(sel);
    if (!m) return null;
    runs.push({ model: m[1]!, cascade: m[2] === '+' });
  }
  return runs;
}

function endsRun(model: string, startedAt: string) {
  return (e: DangoEvent) => (e.type === 'dbt_run_completed' || e.type === 'dbt_run_failed') && e.model === model && e.timestamp >= startedAt;
}

/**
 * Runs models through a running server (`POST /api/dbt/models/{name}/run`), following `/ws` until each
 * run ends, and returns the same result shape an in-process run gives.
 */
export async function runModelsRemotely(client: ApiClient, options: SelectionOptions): Promise<{ result: TransformResult; models: ModelInfo[] }> {
  const runs = apiRunsFor(options);
  if (!runs) {
    throw new DangoError('CONFLICT', `A Dango server is running at ${client.baseUrl}; through it \`dango run\` can run models by name only (--select model or --select model+). Stop the server for other selections.`);
  }
  const started = nowIso();
  const t0 = Date.now();
  const results: NodeResult[] = [];
  let runError: string | null = null;
  const stream = await client.events();
  try {
    for (const run of runs) {
      const reply = await client.post<{ started_at: string }>(`/api/dbt/models/${encodeURIComponent(run.model)}/run?cascade=${run.cascade}`);
      const end = await stream.waitFor(endsRun(run.model, reply.started_at));
      for (const e of stream.received()) {
        if (e.type === 'dbt_model_completed' && e.timestamp >= reply.started_at && e.timestamp <= end.timestamp) {
          results.push({ unique_id: `model.${e.model}`, name: e.model, resource_type: 'model', status: e.status, execution_time: e.execution_time, message: e.error ?? null });
        }
      }
      if (end.type === 'dbt_run_failed') runError = end.error;
    }
  } finally {
    stream.close();
  }
  const { models } = await client.get<{ models: ModelInfo[] }>('/api/dbt/models');
  const counts = countResults(results);
  if (runError && counts.error === 0) {
    // The run failed before any model did (e.g. the project does not compile): report that as one error.
    results.push({ unique_id: 'run', name: runs.map((r) => r.model).join(' '), resource_type: 'model', status: 'error', execution_time: 0, message: runError });
    counts.error += 1;
  }
  const result: TransformResult = {
    success: counts.error === 0 && !runError,
    started_at: started,
    finished_at: nowIso(),
    elapsed_seconds: (Date.now() - t0) / 1000,
    results,
    counts,
  };
  return { result, models };
}
