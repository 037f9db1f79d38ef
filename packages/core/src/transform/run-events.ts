import type { PlatformContext } from '../context';
import { nowIso } from '../events';
import type { Command } from './execute/run-command';
import type { NodeResult, SelectionOptions, TransformResult } from './types';

/** Emits `dbt_run_started` with a human message naming the model or the selection. */
export function emitRunStarted(ctx: PlatformContext, command: Command, options: SelectionOptions, model: string | null): void {
  const what = model ?? (options.select?.length ? options.select.join(' ') : null);
  ctx.emit('dbt_run_started', {
    model,
    ...(options.select?.length ? { select: options.select } : {}),
    message: `dbt ${command} started${what ? `: ${what}` : ''}`,
  });
}

/** Emits `dbt_model_completed` for a model, seed or snapshot result (tests and unit tests only log when they do not pass). */
export function emitNodeResult(ctx: PlatformContext, r: NodeResult): void {
  if (r.resource_type === 'test' || r.resource_type === 'unit_test') {
    if (r.status === 'fail' || r.status === 'error') ctx.emit('log', { level: 'ERROR', message: `Test ${r.name} ${r.status === 'fail' ? 'failed' : 'errored'}: ${r.message ?? ''}`.trim() });
    else if (r.status === 'warn') ctx.emit('log', { level: 'WARNING', message: `Test ${r.name} warned: ${r.message ?? ''}`.trim() });
    return;
  }
  const label = r.resource_type === 'seed' ? 'Seed' : r.resource_type === 'snapshot' ? 'Snapshot' : 'Model';
  const status = r.status === 'success' || r.status === 'skipped' ? r.status : 'error';
  const message =
    status === 'success' ? `${label} ${r.name} completed in ${r.execution_time.toFixed(2)}s`
    : status === 'skipped' ? `${label} ${r.name} skipped: ${r.message ?? 'an upstream node failed'}`
    : `${label} ${r.name} failed: ${r.message ?? 'unknown error'}`;
  ctx.emit('dbt_model_completed', { model: r.name, status, execution_time: r.execution_time, ...(status === 'error' ? { error: r.message ?? 'unknown error' } : {}), message });
}

/** The summary of a run: counts as dbt prints them (`PASS=n WARN=n ERROR=n SKIP=n`). */
export function resultOf(results: NodeResult[], startedAt: string, t0: number): TransformResult {
  const counts = { pass: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) {
    if (r.status === 'success' || r.status === 'pass') counts.pass++;
    else if (r.status === 'warn') counts.warn++;
    else if (r.status === 'skipped') counts.skip++;
    else counts.error++;
  }
  return { success: counts.error === 0, started_at: startedAt, finished_at: nowIso(), elapsed_seconds: (Date.now() - t0) / 1000, results, counts };
}

/** Emits `dbt_run_completed`, or `dbt_run_failed` naming the model (or the first failed node) and its error. */
export function emitRunFinished(ctx: PlatformContext, command: Command, result: TransformResult, model: string | null): void {
  const models = result.results.filter((r) => r.resource_type !== 'test' && r.resource_type !== 'unit_test').length;
  if (result.success) {
    const c = result.counts;
    ctx.emit('dbt_run_completed', { model, models, message: `dbt ${command} completed${model ? `: ${model}` : ''} (PASS=${c.pass} WARN=${c.warn} ERROR=${c.error} SKIP=${c.skip})` });
    return;
  }
  const failed = result.results.find((r) => r.status === 'error' || r.status === 'fail');
  const error = failed?.message ?? 'unknown error';
  ctx.emit('dbt_run_failed', { model: model ?? failed?.name ?? null, error, message: `dbt ${command} failed${failed ? ` at ${failed.name}` : ''}: ${error}` });
}
