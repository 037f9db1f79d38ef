import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Warehouse } from '../warehouse';
import { duckdbAdapter } from './adapter/duckdb';
import { buildCatalog } from './artifacts/catalog';
import { buildManifest } from './artifacts/manifest';
import { buildRunResults } from './artifacts/run-results';
import { writeArtifact, writeCompiledFiles } from './artifacts/write-artifacts';
import { modelsReadyAfterSync } from './after-sync-selection';
import { nodesFor, runCommand, type Command, type CommandOptions } from './execute/run-command';
import type { ExecNode } from './graph/nodes';
import { parseProject } from './graph/parse-project';
import type { ProjectGraph } from './graph/project-graph';
import { missingSeedsFor } from './missing-seeds';
import { DangoError } from '../errors';
import { hasDbtProject, loadProjectFiles } from './project/load-project';
import type { AfterSyncPlan, EngineHost, EngineRun, ParseOptions, TransformEngine } from './transform-engine';
import type { NodeResult, SelectionOptions } from './types';

/** What the embedded engine needs to know about its surroundings. */
export interface EngineSettings {
  dbtDir: string;
  warehouse: Warehouse;
  threads: number;
  onLog?: (message: string) => void;
}

/** The DuckDB catalog name of the warehouse file (what `current_database()` returns). */
export function databaseName(warehouse: Warehouse): string {
  return warehouse.path === ':memory:' ? 'memory' : path.parse(warehouse.path).name;
}

/** Reads and parses the dbt project (synchronously: only local files are read). */
export function loadGraph(settings: EngineSettings, options: ParseOptions & { runStartedAt?: Date; invocationId?: string } = {}): ProjectGraph {
  const files = loadProjectFiles(settings.dbtDir);
  return parseProject(files, {
    projectName: files.project.name,
    vars: files.project.vars,
    cliVars: options.vars,
    packageVars: Object.fromEntries(files.packages.map((p) => [p.name, p.project.vars])),
    adapter: duckdbAdapter,
    target: { name: 'dev', schema: 'main', type: duckdbAdapter.type, database: databaseName(settings.warehouse), threads: settings.threads },
    runStartedAt: options.runStartedAt ?? new Date(),
    invocationId: options.invocationId ?? randomUUID(),
    fullRefresh: options.fullRefresh ?? false,
    execute: false,
    docs: files.docs,
    onLog: settings.onLog,
  });
}

/** The outcome of one embedded invocation. */
export interface EmbeddedOutcome {
  results: NodeResult[];
  nodes: ExecNode[];
}

/** Runs one dbt command on a parsed project and writes `manifest.json`, `run_results.json` and the compiled SQL. */
export async function runEmbedded(
  settings: EngineSettings,
  graph: ProjectGraph,
  command: Command,
  options: Omit<CommandOptions, 'threads'> & { threads?: number },
): Promise<EmbeddedOutcome> {
  const t0 = Date.now();
  reportSkippedResources(settings, graph, command);
  const outcome = await runCommand(graph, settings.warehouse, command, { ...options, threads: options.threads ?? settings.threads });
  reportUnselectedParseErrors(settings, graph, outcome.nodes);
  const at = new Date().toISOString();
  const invocationId = graph.ctx.invocationId;
  await writeCompiledFiles(graph, outcome.compiled);
  await writeArtifact(graph, 'manifest.json', buildManifest(graph, outcome.compiled, invocationId, at));
  if (command !== 'compile') {
    const args = { which: command, select: options.select ?? [], exclude: options.exclude ?? [], full_refresh: options.fullRefresh ?? false, threads: options.threads ?? settings.threads };
    await writeArtifact(graph, 'run_results.json', buildRunResults({ graph, results: outcome.results, compiled: outcome.compiled, invocationId, generatedAt: at, elapsed: (Date.now() - t0) / 1000, args }));
  }
  return { results: outcome.results, nodes: outcome.nodes };
}

/** Says which resources of the project this command leaves out because the engine cannot run them (never silently). */
function reportSkippedResources(settings: EngineSettings, graph: ProjectGraph, command: Command): void {
  const skipped = graph.files.unsupported;
  if (command === 'compile' || command === 'test' || !skipped.length) return;
  const list = skipped.map((u) => `${u.kind} ${u.name} (${u.file})`).join(', ');
  settings.onLog?.(`Skipped ${skipped.length} resource(s) the embedded engine does not run: ${list}; use platform.transform_engine: dbt to run them`);
}

/** dbt parses every file: a model that failed to render and that this run leaves out is a warning, not a failure. */
function reportUnselectedParseErrors(settings: EngineSettings, graph: ProjectGraph, chosen: ExecNode[]): void {
  const ids = new Set(chosen.map((n) => n.unique_id));
  for (const node of graph.byName.values()) {
    if (node.resource_type !== 'model' || !node.parse_error || ids.has(node.unique_id)) continue;
    settings.onLog?.(`Warning: model ${node.name} (${node.original_file_path}) is not part of this run and does not parse: ${node.parse_error}`);
  }
}

/** Compiles everything and writes `manifest.json` (with compiled code) and `catalog.json` (from the warehouse). */
export async function generateDocsEmbedded(settings: EngineSettings, graph: ProjectGraph): Promise<{ manifest: string; catalog: string }> {
  const outcome = await runCommand(graph, settings.warehouse, 'compile', { threads: settings.threads });
  const at = new Date().toISOString();
  await writeCompiledFiles(graph, outcome.compiled);
  const manifest = await writeArtifact(graph, 'manifest.json', buildManifest(graph, outcome.compiled, graph.ctx.invocationId, at));
  const catalog = await writeArtifact(graph, 'catalog.json', await buildCatalog(graph, settings.warehouse, graph.ctx.invocationId, at));
  return { manifest, catalog };
}

/** The embedded engine behind the `TransformEngine` interface. */
export class EmbeddedEngine implements TransformEngine {
  constructor(private readonly host: EngineHost) {}

  private settings(threads?: number): EngineSettings {
    const { ctx, dbtDir } = this.host;
    return {
      dbtDir,
      warehouse: ctx.warehouse,
      threads: threads ?? ctx.config.platform.threads,
      onLog: (message) => void ctx.emit('log', { level: 'INFO', message: `dbt: ${message}` }),
    };
  }

  parse(options: ParseOptions = {}): ProjectGraph {
    const { dbtDir } = this.host;
    if (!hasDbtProject(dbtDir)) throw new DangoError('NOT_FOUND', `No dbt project at ${dbtDir} (dbt_project.yml is missing)`);
    return loadGraph(this.settings(), options);
  }

  // A project that does not compile fails the run before anything starts.
  planGraph(options: SelectionOptions): ProjectGraph {
    return this.parse(options);
  }

  modelsWithoutGraph(): null {
    return null;
  }

  async execute(run: EngineRun): Promise<NodeResult[] | null> {
    const graph = run.graph ?? this.parse(run.options);
    // Nothing selected (e.g. no model downstream of a synced source): no run to announce.
    if (nodesFor(graph, run.command, run.options).length === 0) return null;
    run.onStart();
    const out = await runEmbedded(this.settings(run.options.threads), graph, run.command, { ...run.options, onResult: (r) => run.onResult(r) });
    return out.results;
  }

  async generateDocs(options: ParseOptions = {}): Promise<{ manifest: string; catalog: string }> {
    const paths = await generateDocsEmbedded(this.settings(), this.parse(options));
    const { ctx } = this.host;
    ctx.emit('log', { level: 'INFO', message: `dbt docs generated (${path.relative(ctx.root, paths.manifest)}, ${path.relative(ctx.root, paths.catalog)})` });
    return paths;
  }

  // Models whose other sources are not loaded yet wait (and say so); seeds they need and lack load first.
  async afterSyncPlan(source: string): Promise<AfterSyncPlan | null> {
    const { ctx } = this.host;
    let select = [`source:${source}+`];
    let graph: ProjectGraph | null = null;
    try {
      graph = this.parse();
    } catch {
      // A project that does not compile is reported by the run itself; here it only means "no seeds to add".
    }
    if (graph) {
      const { ready, waiting } = await modelsReadyAfterSync(graph, ctx.warehouse, source);
      for (const w of waiting) {
        ctx.emit('log', { level: 'INFO', source, message: `Model ${w.model} waits for ${w.missing.join(', ')} to load before it runs after a sync` });
      }
      if (ready.length === 0) return null;
      if (waiting.length > 0) select = ready;
    }
    const seeds = graph ? await missingSeedsFor(graph, ctx.warehouse, select) : [];
    return { seeds, select };
  }
}
