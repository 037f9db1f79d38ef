/** A node's resolved configuration (dbt's `config` dict; unknown keys are kept). */
export interface NodeConfig {
  enabled: boolean;
  materialized: string;
  schema: string | null;
  alias: string | null;
  tags: string[];
  meta: Record<string, unknown>;
  unique_key: string | string[] | null;
  incremental_strategy: string | null;
  full_refresh: boolean | null;
  severity?: string;
  'pre-hook': string[];
  'post-hook': string[];
  [key: string]: unknown;
}

// Keys that are configs even without a `+` (anything else without `+` is a sub-folder or a node name).
const CONFIG_KEYS = new Set([
  'enabled', 'materialized', 'schema', 'alias', 'database', 'tags', 'meta', 'docs', 'unique_key', 'incremental_strategy',
  'on_schema_change', 'full_refresh', 'severity', 'pre-hook', 'post-hook', 'pre_hook', 'post_hook', 'persist_docs',
  'quote_columns', 'column_types', 'delimiter', 'grants', 'contract', 'store_failures', 'where', 'limit', 'error_if',
  'warn_if', 'group', 'access', 'packages', 'sql_header', 'fail_calc',
  // snapshots
  'target_schema', 'target_database', 'strategy', 'updated_at', 'check_cols', 'invalidate_hard_deletes', 'hard_deletes',
  'dbt_valid_to_current', 'snapshot_meta_column_names',
]);

// Configs whose value is itself a mapping (so a mapping under these keys is not a sub-folder).
const MAPPING_CONFIGS = new Set(['meta', 'docs', 'persist_docs', 'grants', 'contract', 'column_types', 'snapshot_meta_column_names']);

/** dbt's defaults for a model. */
export function defaultConfig(materialized: string): NodeConfig {
  return {
    enabled: true, materialized, schema: null, alias: null, tags: [], meta: {}, unique_key: null,
    incremental_strategy: null, full_refresh: null, 'pre-hook': [], 'post-hook': [],
  };
}

function asList(v: unknown): string[] {
  if (v === undefined || v === null) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

/** Merges `values` into `config` the way dbt does: tags and hooks add up, meta merges, the rest overrides. */
export function mergeConfig(config: NodeConfig, values: Record<string, unknown>): NodeConfig {
  for (const [rawKey, v] of Object.entries(values)) {
    const key = rawKey.replace(/^\+/, '').replace(/^(pre|post)_hook$/, '$1-hook');
    if (key === 'tags') config.tags = [...new Set([...config.tags, ...asList(v)])];
    else if (key === 'pre-hook' || key === 'post-hook') config[key] = [...config[key], ...asList(v)];
    else if (key === 'meta' && v && typeof v === 'object') config.meta = { ...config.meta, ...(v as Record<string, unknown>) };
    else config[key] = v;
  }
  return config;
}

function configsAt(level: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(level)) {
    const isMapping = !!v && typeof v === 'object' && !Array.isArray(v);
    if (k.startsWith('+') || (CONFIG_KEYS.has(k) && (!isMapping || MAPPING_CONFIGS.has(k)))) {
      out[k] = v;
    }
  }
  return out;
}

/**
 * Applies the `models:`/`seeds:`/`tests:` tree of dbt_project.yml along `fqn` (project, folders...,
 * node name): each level's configs apply, deeper levels win.
 */
export function applyConfigTree(config: NodeConfig, tree: unknown, fqn: string[]): NodeConfig {
  if (!tree || typeof tree !== 'object') return config;
  let level = tree as Record<string, unknown>;
  mergeConfig(config, configsAt(level));
  for (const part of fqn) {
    const next = level[part];
    if (!next || typeof next !== 'object' || Array.isArray(next)) break;
    level = next as Record<string, unknown>;
    mergeConfig(config, configsAt(level));
  }
  return config;
}
