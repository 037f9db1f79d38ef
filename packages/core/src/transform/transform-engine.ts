import type { PlatformContext } from '../context';
import type { Command } from './execute/run-command';
import type { ProjectGraph } from './graph/project-graph';
import type { ModelRunState } from './state/model-state';
import type { ModelInfo, NodeResult, SelectionOptions } from './types';

/** What a parse depends on besides the files: `--full-refresh` and `--vars`. */
export type ParseOptions = Pick<SelectionOptions, 'fullRefresh' | 'vars'>;

/** One command handed to an engine by the transform service. */
export interface EngineRun {
  command: Command;
  options: SelectionOptions;
  /** The graph the service parsed to plan the run (which models it holds), when it has one. */
  graph?: ProjectGraph;
  /** Called once, when the command actually starts (never when nothing is selected). */
  onStart: () => void;
  /** Called as each node finishes. */
  onResult: (result: NodeResult) => void;
}

/** What a run after a sync of one source should do: seeds to load first, then the models to run. */
export interface AfterSyncPlan {
  seeds: string[];
  select: string[];
}

/**
 * A way of running a dbt project: the embedded engine or a real dbt executable. The service picks
 * one at construction and never asks which it has.
 */
export interface TransformEngine {
  /** Parses the project with the embedded parser; throws when it does not parse. */
  parse(options?: ParseOptions): ProjectGraph;
  /** The graph that plans a run (which models it holds); null when this engine runs without one because the project does not parse here. */
  planGraph(options: SelectionOptions): ProjectGraph | null;
  /** Models to list when the project does not parse with the embedded parser; null when that error stands. */
  modelsWithoutGraph(states: Record<string, ModelRunState>): ModelInfo[] | null;
  /** Runs one command; null when nothing was selected (nothing started, nothing to record). */
  execute(run: EngineRun): Promise<NodeResult[] | null>;
  /** Writes `manifest.json` and `catalog.json` and says where. */
  generateDocs(options?: ParseOptions): Promise<{ manifest: string; catalog: string }>;
  /** The seeds and models a run after a sync of `source` covers; null when nothing should run. */
  afterSyncPlan(source: string): Promise<AfterSyncPlan | null>;
}

/** What an engine reads from the platform: the project folder and the platform context. */
export interface EngineHost {
  ctx: PlatformContext;
  dbtDir: string;
}
