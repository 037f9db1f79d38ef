import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Warehouse } from '../warehouse';
import { buildCatalog } from './artifacts/catalog';
import { buildManifest } from './artifacts/manifest';
import { buildRunResults } from './artifacts/run-results';
import { writeArtifact, writeCompiledFiles } from './artifacts/write-artifacts';
import { runCommand, type Command, type CommandOptions } from './execute/run-command';
import type { ExecNode } from './graph/nodes';
import { parseProject } from './graph/parse-project';
import type { ProjectGraph } from './graph/project-graph';
import type { GlobalContext } from './jinja/dbt-context';
import { loadProjectFiles, type ProjectFiles } from './project/load-project';
import type { NodeResult } from './types';

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

/** Options of one parse of the project. */
export interface GraphOptions {
  fullRefresh?: boolean;
  runStartedAt?: Date;
  invocationId?: string;
}

/** The Jinja context a project's files are parsed in; `database` is the warehouse's catalog name. */
export function graphContext(files: ProjectFiles, target: { database: string; threads: number; onLog?: (message: string) => void }, options: GraphOptions = {}): GlobalContext {
  return {
    projectName: files.project.name,
    vars: files.project.vars,
    packageVars: Object.fromEntries(files.packages.map((p) => [p.name, p.project.vars])),
    target: { name: 'dev', schema: 'main', type: 'duckdb', database: target.database, threads: target.threads },
    runStartedAt: options.runStartedAt ?? new Date(),
    invocationId: options.invocationId ?? randomUUID(),
    fullRefresh: options.fullRefresh ?? false,
    execute: false,
    docs: files.docs,
    onLog: target.onLog,
  };
}

/** Reads and parses the dbt project (synchronously: only local files are read). */
export function loadGraph(settings: EngineSettings, options: GraphOptions = {}): ProjectGraph {
  const files = loadProjectFiles(settings.dbtDir);
  return parseProject(files, graphContext(files, { database: databaseName(settings.warehouse), threads: settings.threads, onLog: settings.onLog }, options));
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

/** Compiles everything and writes `manifest.json` (with compiled code) and `catalog.json` (from the warehouse). */
export async function generateDocsEmbedded(settings: EngineSettings, graph: ProjectGraph): Promise<{ manifest: string; catalog: string }> {
  const outcome = await runCommand(graph, settings.warehouse, 'compile', { threads: settings.threads });
  const at = new Date().toISOString();
  await writeCompiledFiles(graph, outcome.compiled);
  const manifest = await writeArtifact(graph, 'manifest.json', buildManifest(graph, outcome.compiled, graph.ctx.invocationId, at));
  const catalog = await writeArtifact(graph, 'catalog.json', await buildCatalog(graph, settings.warehouse, graph.ctx.invocationId, at));
  return { manifest, catalog };
}
