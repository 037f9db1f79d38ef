/** One item of `GET /api/dbt/models`. */
export interface ModelInfo {
  name: string;
  description: string;
  database: string;
  schema: string;
  depends_on: string[];
  materialization: string;
  status: 'success' | 'error' | 'skipped' | null;
  tags?: string[];
  path?: string;
  last_run?: string | null;
  error?: string | null;
}

/** Selection options shared by run, test, build and compile. */
export interface SelectionOptions {
  /** dbt selectors: `name`, `name+`, `+name`, `source:x+`, `tag:x`, `path:models/marts`. */
  select?: string[];
  exclude?: string[];
  fullRefresh?: boolean;
  threads?: number;
}

/** The result of one node in a run (dbt's run_results entry, simplified). */
export interface NodeResult {
  unique_id: string;
  name: string;
  resource_type: 'model' | 'seed' | 'test';
  status: 'success' | 'error' | 'skipped' | 'pass' | 'fail' | 'warn';
  execution_time: number;
  message: string | null;
  failures?: number | null;
  rows_affected?: number | null;
}

/** The result of a transform/test/seed/build run. */
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
