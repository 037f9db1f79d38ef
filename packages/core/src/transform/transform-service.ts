import { resolveInProject } from '../config';
import type { PlatformContext } from '../context';
import { DangoError, errorMessage } from '../errors';
import { nowIso } from '../events';
import { listTableColumns } from '../warehouse';
import { DbtCliEngine } from './dbt-engine';
import { EmbeddedEngine } from './embedded-engine';
import { nodesFor, type Command } from './execute/run-command';
import type { ProjectGraph } from './graph/project-graph';
import { hasDbtProject } from './project/load-project';
import { projectFingerprint } from './project/project-fingerprint';
import { generateStagingModels, type StagingTableInput } from './staging-generator';
import { ModelStateStore } from './state/model-state';
import { emitNodeResult, emitRunFinished, emitRunStarted, resultOf } from './run-events';
import type { ParseOptions, TransformEngine } from './transform-engine';
import type { ModelInfo, NodeResult, SelectionOptions, StartedModelRun, TransformResult } from './types';

/** The dbt-compatible transformation engine and its runs. */
export class TransformService {
  private readonly state: ModelStateStore;
  /** Models that are part of a running run, with the promise of that run. */
  private readonly running = new Map<string, Promise<unknown>>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The graph `listModels` parsed last, reused while no project file changes (the UI polls it). */
  private listed: { key: string; graph: ProjectGraph } | null = null;

  private readonly engine: TransformEngine;

  constructor(readonly ctx: PlatformContext) {
    this.state = new ModelStateStore(ctx.paths.stateDir);
    const host = { ctx, dbtDir: this.dbtDir };
    this.engine = ctx.config.platform.transform_engine === 'dbt' ? new DbtCliEngine(host) : new EmbeddedEngine(host);
  }

  /** The project's dbt folder. */
  get dbtDir(): string {
    return resolveInProject(this.ctx.root, this.ctx.config.platform.dbt_project_dir);
  }

  private graph(options: ParseOptions = {}): ProjectGraph {
    return this.engine.parse(options);
  }

  /** Every model with its last run status (`GET /api/dbt/models`); `[]` when there is no dbt project. */
  async listModels(): Promise<ModelInfo[]> {
    if (!hasDbtProject(this.dbtDir)) return [];
    const key = projectFingerprint(this.dbtDir);
    let graph: ProjectGraph;
    try {
      graph = this.listed?.key === key ? this.listed.graph : this.graph();
    } catch (err) {
      const fromDbt = this.engine.modelsWithoutGraph(this.state.all());
      if (fromDbt) return fromDbt.map((m) => ({ ...m, status: this.statusOf(m.name, m.status) }));
      throw err;
    }
    this.listed = { key, graph };
    const states = this.state.all();
    const out: ModelInfo[] = [];
    for (const node of graph.byName.values()) {
      if (node.resource_type !== 'model') continue;
      const s = states[node.name];
      out.push({
        name: node.name,
        description: node.description,
        database: node.database,
        schema: node.schema,
        depends_on: node.depends_on.map((id) => graph.nodes.get(id)).filter((n) => n && n.resource_type !== 'source').map((n) => n!.name),
        materialization: node.config.materialized,
        status: this.statusOf(node.name, s?.status ?? null),
        tags: node.config.tags,
        path: node.original_file_path,
        last_run: s?.last_run ?? null,
        execution_time: s?.execution_time ?? null,
        error: s?.error ?? null,
      });
    }
    return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  // A model of a run in progress is running, whatever its last run said.
  private statusOf(name: string, last: ModelInfo['status']): ModelInfo['status'] {
    return this.running.has(name) ? 'running' : last;
  }

  /** Runs one model (and its descendants with `cascade`, the default) and resolves with the result. */
  async runModel(name: string, options: { cascade?: boolean } = {}): Promise<TransformResult> {
    return this.startModelRun(name, options).done;
  }

  /** Starts a model run; throws NOT_FOUND for an unknown model and CONFLICT (synchronously) when it is already running. */
  startModelRun(name: string, options: { cascade?: boolean } = {}): StartedModelRun {
    const select = [options.cascade === false ? name : `${name}+`];
    const { graph, models } = this.plan('run', { select }, name);
    if (graph) {
      const node = graph.byName.get(name);
      if (!node || node.resource_type !== 'model') throw new DangoError('NOT_FOUND', `Model '${name}' not found in the dbt project`);
    }
    const busy = models.find((m) => this.running.has(m)) ?? (this.running.has(name) ? name : undefined);
    if (busy) throw new DangoError('CONFLICT', `Model '${busy}' is already running`);
    const started_at = nowIso();
    const done = this.track(models, this.invoke('run', { select }, name, graph ?? undefined));
    return { model_name: name, started_at, done };
  }

  /** Runs the selected models (`dango run`). */
  run(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.queued('run', options);
  }

  /** Runs the selected data tests (`dango test`). */
  test(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.queued('test', options);
  }

  /** Loads the selected seeds (`dango seed`). */
  seed(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.queued('seed', options);
  }

  /** Runs the selected snapshots (`dango snapshot`). */
  snapshot(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.queued('snapshot', options);
  }

  /** Seeds, runs and tests in graph order (`dango build`). */
  build(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.queued('build', options);
  }

  /** Compiles the selected models and tests to `target/compiled/` without running them. */
  compile(options: SelectionOptions = {}): Promise<TransformResult> {
    return this.invoke('compile', options, null);
  }

  /** Writes `target/manifest.json` and `target/catalog.json` (with `--vars` when given). */
  generateDocs(options: ParseOptions = {}): Promise<{ manifest: string; catalog: string }> {
    return this.engine.generateDocs(options);
  }

  /** Called after a successful sync: generate staging models, then run downstream models when auto_dbt is on. Never throws. */
  async afterSync(source: string, loaded?: StagingTableInput[], vars?: Record<string, unknown>): Promise<void> {
    if (!hasDbtProject(this.dbtDir)) return;
    try {
      // The load reports the tables it wrote; without that report (e.g. a connector that does not give one), ask the catalog.
      const tables = loaded ?? (await listTableColumns(this.ctx.warehouse, `raw_${source}`));
      if (tables.length) await generateStagingModels({ dbtDir: this.dbtDir, source, tables });
    } catch (err) {
      // The sync itself succeeded; a transform problem is reported, not turned into a sync failure.
      this.ctx.emit('log', { level: 'ERROR', source, message: `Generating staging models for ${source} failed: ${errorMessage(err)}` });
      return;
    }
    if (!this.ctx.config.platform.auto_dbt) return;
    // A failing run has already emitted dbt_run_failed and been logged.
    const plan = await this.engine.afterSyncPlan(source);
    if (!plan) return;
    const withVars = vars ? { vars } : {};
    if (plan.seeds.length) await this.seed({ select: plan.seeds, ...withVars }).catch(() => undefined);
    await this.run({ select: plan.select, ...withVars }).catch(() => undefined);
  }

  /** Waits for running model runs to finish. */
  async close(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  // A project that does not compile fails the run before anything starts; that is reported like any failed run.
  private planGraphOrFail(command: Command, options: SelectionOptions, model: string | null): ProjectGraph | null {
    try {
      return this.engine.planGraph(options);
    } catch (err) {
      this.ctx.emit('dbt_run_failed', { model, error: errorMessage(err), message: `dbt ${command} failed: ${errorMessage(err)}` });
      throw err;
    }
  }

  /**
   * The parsed project and the models a command would run (the ones it holds while running). A real
   * dbt parses the project itself, so there a parse failure only narrows the lock to the named model.
   */
  private plan(command: Command, options: SelectionOptions, model: string | null): { graph: ProjectGraph | null; models: string[] } {
    const graph = this.planGraphOrFail(command, options, model);
    return graph ? { graph, models: this.modelsOf(graph, command, options) } : { graph: null, models: model ? [model] : [] };
  }

  private modelsOf(graph: ProjectGraph, command: Command, options: SelectionOptions): string[] {
    if (command === 'test') return [];
    return nodesFor(graph, command, options).filter((n) => n.resource_type === 'model').map((n) => n.name);
  }

  // A general run waits for runs that hold any of its models, then holds them itself.
  private async queued(command: Command, options: SelectionOptions): Promise<TransformResult> {
    let plan = this.plan(command, options, null);
    const busy = () => plan.models.map((m) => this.running.get(m)).filter(Boolean);
    while (busy().length) {
      await Promise.allSettled(busy());
      // The project may have changed while waiting.
      plan = this.plan(command, options, null);
    }
    return this.track(plan.models, this.invoke(command, options, null, plan.graph ?? undefined));
  }

  private track(models: string[], run: Promise<TransformResult>): Promise<TransformResult> {
    for (const m of models) this.running.set(m, run);
    this.inFlight.add(run);
    const release = () => {
      for (const m of models) if (this.running.get(m) === run) this.running.delete(m);
      this.inFlight.delete(run);
    };
    run.then(release, release);
    return run;
  }

  private async invoke(command: Command, options: SelectionOptions, model: string | null, prepared?: ProjectGraph): Promise<TransformResult> {
    const startedAt = nowIso();
    const t0 = Date.now();
    const emits = command !== 'compile';
    let results: NodeResult[] = [];
    try {
      const out = await this.engine.execute({
        command,
        options,
        graph: prepared,
        onStart: () => {
          if (emits) emitRunStarted(this.ctx, command, options, model);
        },
        onResult: (r) => {
          if (emits) emitNodeResult(this.ctx, r);
        },
      });
      // Nothing selected: no run was announced, so none is recorded.
      if (out === null) return resultOf([], startedAt, t0);
      results = out;
    } catch (err) {
      if (emits) this.ctx.emit('dbt_run_failed', { model, error: errorMessage(err), message: `dbt ${command} failed: ${errorMessage(err)}` });
      throw err;
    }
    const result = resultOf(results, startedAt, t0);
    await this.state.record(results, result.finished_at);
    if (emits) emitRunFinished(this.ctx, command, result, model);
    return result;
  }
}
