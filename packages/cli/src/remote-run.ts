import type { CommandRun, DbtCommandName, SelectionOptions } from '@dango/core';
import type { ApiClient } from './api-client';

/** The API body of a selection (`POST /api/dbt/{command}`). */
export function commandBody(options: SelectionOptions): Record<string, unknown> {
  return {
    ...(options.select?.length ? { select: options.select } : {}),
    ...(options.exclude?.length ? { exclude: options.exclude } : {}),
    full_refresh: options.fullRefresh ?? false,
    ...(options.threads ? { threads: options.threads } : {}),
    ...(options.vars ? { vars: options.vars } : {}),
  };
}

/**
 * Runs a dbt command on a running server (`POST /api/dbt/{command}`), follows `/ws` until its
 * `dbt_command_completed` event, and returns the finished record (`GET /api/dbt/runs/{run_id}`).
 */
export async function runCommandRemotely(client: ApiClient, command: DbtCommandName, options: SelectionOptions): Promise<CommandRun> {
  // Subscribe before starting, so a fast command's end cannot slip past.
  const stream = await client.events();
  try {
    const started = await client.post<{ run_id: string }>(`/api/dbt/${command.replace(' ', '/')}`, commandBody(options));
    await stream.waitFor((e) => e.type === 'dbt_command_completed' && e.run_id === started.run_id);
    return await client.get<CommandRun>(`/api/dbt/runs/${encodeURIComponent(started.run_id)}`);
  } finally {
    stream.close();
  }
}
