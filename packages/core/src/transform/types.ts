/** One item of `GET /api/dbt/models`. */
export interface ModelInfo {
  name: string;
  description: string;
  database: string;
  schema: string;
  depends_on: string[];
  materialization: string;
  /** The last run's outcome, or `running` while a run that holds the model is in progress. */
  status: 'success' | 'error' | 'skipped' | 'running' | null;
  tags?: string[];
  path?: string;
  last_run?: string | null;
  /** Seconds the last run of this model took; null before its first run. */
  execution_time?: number | null;
  error?: string | null;
}

/** Selection options shared by run, test, build and compile. */
export interface SelectionOptions {
  /** dbt selectors, unioned (an entry may hold several separated by spaces): `name`, `name+`, `+name`, `+name+`, `@name`, `source:x+`, `tag:x`, `path:models/marts`, globs (`stg_*`), `a,b` intersections. */
  select?: string[];
  /** Selectors removed from the selection (same syntax). */
  exclude?: string[];
  /** Rebuild incremental models (and tables) from scratch. */
  fullRefresh?: boolean;
  /** Concurrency; defaults to `platform.threads`. Writes still go one at a time through the write queue. */
  threads?: number;
  /** Values for `var()` (dbt's `--vars`), over the `vars:` of dbt_project.yml. */
  vars?: Record<string, unknown>;
}

/**
 * The result of one node in a run (dbt's run_results entry, simplified). Models and seeds end as
 * `success`, `error` or `skipped`; tests as `pass`, `fail`, `warn` (severity warn), `error` or `skipped`.
 */
export interface NodeResult {
  unique_id: string;
  name: string;
  resource_type: 'model' | 'seed' | 'test' | 'snapshot' | 'unit_test';
  status: 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';
  execution_time: number;
  message: string | null;
  failures?: number | null;
  rows_affected?: number | null;
}

/**
 * The result of a transform/test/seed/build/compile run: `results` in completion order; `counts` as
 * dbt's summary line (`PASS` = success + pass, `ERROR` = error + fail). `success` is false when
 * anything errored or failed (warnings do not count).
 */
export interface TransformResult {
  success: boolean;
  started_at: string;
  finished_at: string;
  elapsed_seconds: number;
  results: NodeResult[];
  counts: { pass: number; warn: number; error: number; skip: number };
}

/** A model run that has started; `done` settles with its result. */
export interface StartedModelRun {
  model_name: string;
  started_at: string;
  done: Promise<TransformResult>;
}
