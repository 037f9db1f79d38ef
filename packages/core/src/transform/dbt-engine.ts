import path from 'node:path';
import { DangoError } from '../errors';
import { dbtArgs, runDbtCli, type DbtCommand } from './dbt-cli/run-dbt-cli';
import { EmbeddedEngine } from './embedded-engine';
import type { Command } from './execute/run-command';
import type { ProjectGraph } from './graph/project-graph';
import { modelsFromManifest } from './models-from-manifest';
import type { ModelRunState } from './state/model-state';
import type { AfterSyncPlan, EngineHost, EngineRun, ParseOptions, TransformEngine } from './transform-engine';
import type { ModelInfo, NodeResult, SelectionOptions } from './types';

const STATUSES = new Set(['success', 'error', 'skipped', 'pass', 'fail', 'warn']);

/** Maps one entry of a real dbt's `run_results.json` to a node result. */
function toNodeResult(entry: Record<string, unknown>): NodeResult | null {
  const id = typeof entry.unique_id === 'string' ? entry.unique_id : null;
  if (!id) return null;
  const kind = id.split('.')[0];
  const resource_type: NodeResult['resource_type'] = kind === 'seed' || kind === 'test' || kind === 'snapshot' || kind === 'unit_test' ? kind : 'model';
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
  const { select, exclude, fullRefresh, vars } = options.selection;
  const args = dbtArgs(options.command as DbtCommand, { select, exclude, fullRefresh, vars });
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

/**
 * A real `dbt` executable behind the `TransformEngine` interface. The embedded parser still reads
 * the project where it can (to list models and plan which ones a run holds); dbt parses it itself.
 */
export class DbtCliEngine implements TransformEngine {
  private readonly parser: EmbeddedEngine;

  constructor(private readonly host: EngineHost) {
    this.parser = new EmbeddedEngine(host);
  }

  // A model the embedded parser cannot render makes its graph partial: dbt's own manifest is the better account then.
  parse(options: ParseOptions = {}): ProjectGraph {
    const graph = this.parser.parse(options);
    for (const node of graph.byName.values()) if (node.resource_type === 'model' && node.parse_error) throw new DangoError('CONFIG_INVALID', node.parse_error);
    return graph;
  }

  // A project the embedded parser cannot read still runs with dbt: the run then holds only the named model.
  planGraph(options: SelectionOptions): ProjectGraph | null {
    try {
      return this.parse(options);
    } catch {
      return null;
    }
  }

  // The project may use what the embedded parser lacks: dbt's own manifest tells.
  modelsWithoutGraph(states: Record<string, ModelRunState>): ModelInfo[] | null {
    return modelsFromManifest(path.join(this.host.dbtDir, 'target'), states);
  }

  async execute(run: EngineRun): Promise<NodeResult[]> {
    run.onStart();
    const out = await this.withDbtCli(run.command, run.options);
    for (const r of out.results) run.onResult(r);
    return out.results;
  }

  async generateDocs(options: ParseOptions = {}): Promise<{ manifest: string; catalog: string }> {
    await this.withDbtCli('docs generate', options);
    return dbtDocsPaths(this.host.dbtDir);
  }

  async afterSyncPlan(source: string): Promise<AfterSyncPlan> {
    return { seeds: [], select: [`source:${source}+`] };
  }

  // DuckDB lets one process write a file: the warehouse is closed while the real dbt runs, then reopened.
  private withDbtCli(command: Command | 'docs generate', selection: SelectionOptions): ReturnType<typeof runWithDbt> {
    const { ctx, dbtDir } = this.host;
    const { dbt_executable: executable } = ctx.config.platform;
    const onLine = (line: string): void => {
      if (line.trim()) ctx.emit('log', { level: 'INFO', message: `dbt: ${line}` });
    };
    return ctx.warehouse.releaseDuring(() => runWithDbt({ executable, dbtDir, command, selection, onLine }));
  }
}
