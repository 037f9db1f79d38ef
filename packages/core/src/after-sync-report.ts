import type { PlatformContext } from './context';

/**
 * Runs a sync's after-sync step (staging generation and the downstream model run) and then emits
 * `after_sync_completed` with the models that ran and failed, so a caller that started the sync
 * (the CLI through `/ws` included) learns when everything the sync set off is over and how it went.
 * The models are the ones completed while the step ran: runs of other work at the same moment count too.
 */
export async function reportAfterSync(ctx: PlatformContext, source: string, step: () => Promise<void>): Promise<void> {
  let models = 0;
  const failed: { model: string; error: string }[] = [];
  let error: string | undefined;
  const stopModels = ctx.events.on('dbt_model_completed', (e) => {
    models += 1;
    if (e.status === 'error') failed.push({ model: e.model, error: e.error ?? 'unknown error' });
  });
  const stopFailures = ctx.events.on('dbt_run_failed', (e) => {
    error ??= e.error;
  });
  try {
    await step();
  } finally {
    stopModels();
    stopFailures();
  }
  // A run that failed before any model did (a project that does not compile) still fails the sync's models.
  const message = failed.length ? `Models after the sync of ${source}: ${failed.length} of ${models} failed (${failed.map((f) => f.model).join(', ')})`
    : error ? `Models after the sync of ${source} failed: ${error}`
    : `Models after the sync of ${source}: ${models} ran`;
  ctx.emit('after_sync_completed', { source, models, failed, ...(error && !failed.length ? { error } : {}), message });
}
