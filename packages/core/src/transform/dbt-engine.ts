import path from 'node:path';
import { DangoError } from '../errors';
import { dbtArgs, runDbtCli, type DbtCommand } from './dbt-cli/run-dbt-cli';
import type { Command } from './execute/run-command';
import type { NodeResult, SelectionOptions } from './types';

const STATUSES = new Set(['success', 'error', 'skipped', 'pass', 'fail', 'warn']);

/** Maps one entry of a real dbt's `run_results.json` to a node result. */
function toNodeResult(entry: Record<string, unknown>): NodeResult | null {
  const id = typeof entry.unique_id === 'string' ? entry.unique_id : null;
  if (!id) return null;
  const kind = id.split('.')[0];
  const resource_type = kind === 'seed' ? 'seed' : kind === 'test' ? 'test' : 'model';
  const rawStatus = String(entry.status ?? 'error');
  const adapter = (entry.adapter_response ?? {}) as { rows_affected?: number };
  return {
    unique_id: id,
    name: id.split('.').slice(2).join('.').replace(/\.[0-9a-f]{10}$/, '') || id,
    resource_type,
    status: (STATUSES.has(rawStatus) ? rawStatus : rawStatus === 'runtime error' ? 'error' : 'error') as NodeResult['status'],
    execution_time: Number(entry.execution_time ?? 0),
    message: typeof entry.message === 'string' ? entry.message : null,
    failures: typeof entry.failures === 'number' ? entry.failures : null,
    rows_affected: typeof adapter.rows_affected === 'number' ? adapter.rows_affected : null,
  };
}

/** Hands a command to a real `dbt` executable and maps its run results; lines go to `onLine`. */
export async function runWithDbt(options: {
  executable: string;
  dbtDir: string;
  command: Command | 'docs generate';
  selection: SelectionOptions;
  onLine?: (line: string) => void;
}): Promise<{ exitCode: number; results: NodeResult[] }> {
  const args = dbtArgs(options.command as DbtCommand, { select: options.selection.select, exclude: options.selection.exclude, fullRefresh: options.selection.fullRefresh });
  if (options.selection.threads) args.push('--threads', String(options.selection.threads));
  const out = await runDbtCli({ executable: options.executable, dbtDir: options.dbtDir, args, onLine: options.onLine });
  const list = (out.runResults as { results?: unknown[] } | null)?.results;
  const results = Array.isArray(list) ? list.map((e) => toNodeResult(e as Record<string, unknown>)).filter((r): r is NodeResult => r !== null) : [];
  if (out.exitCode !== 0 && results.length === 0) {
    throw new DangoError('RUN_FAILED', `dbt ${options.command} failed with exit code ${out.exitCode} (see the activity log for its output)`);
  }
  return { exitCode: out.exitCode, results };
}

/** Paths of the docs artifacts a real dbt wrote. */
export function dbtDocsPaths(dbtDir: string, targetPath = 'target'): { manifest: string; catalog: string } {
  const dir = path.resolve(dbtDir, targetPath);
  return { manifest: path.join(dir, 'manifest.json'), catalog: path.join(dir, 'catalog.json') };
}
