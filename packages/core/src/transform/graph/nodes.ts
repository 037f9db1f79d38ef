import type { CompiledTemplate } from '../jinja/template';
import type { NodeConfig } from '../project/config-tree';
import type { ColumnProps, TestSpec } from '../project/properties-yml';
import type { SnapshotNode } from '../snapshots/snapshot-node';
import type { UnitTestNode } from '../unit-tests/unit-test-node';

export type { SnapshotNode, UnitTestNode };

/** What every node of the project graph carries (the fields mirror dbt's manifest nodes). */
export interface BaseNode {
  unique_id: string;
  name: string;
  package_name: string;
  /** Path inside its resource folder (e.g. `staging/stg_orders.sql`). */
  path: string;
  /** Path from the dbt folder (e.g. `models/staging/stg_orders.sql`). */
  original_file_path: string;
  fqn: string[];
  description: string;
  columns: ColumnProps[];
  config: NodeConfig;
  /** unique_ids this node depends on. */
  depends_on: string[];
  database: string;
  schema: string;
  alias: string;
  /** The relation as SQL: `"schema"."alias"`. */
  relation: string;
  /** dbt's patch path: the properties file that described this node. */
  patch_path: string | null;
}

/** A SQL model. */
export interface ModelNode extends BaseNode {
  resource_type: 'model';
  raw_code: string;
  template: CompiledTemplate;
  refs: { name: string; package: string | null }[];
  sources: [string, string][];
  /** A version of a versioned model: its `v`, the model's latest, and the model's name (which selects every version). */
  version?: string;
  latest_version?: string | null;
  version_of?: string;
  /** Why its Jinja failed to render while parsing: the model fails (and its children skip) only when a run selects it. */
  parse_error?: string;
}

/** A CSV seed. */
export interface SeedNode extends BaseNode {
  resource_type: 'seed';
  csvPath: string;
  raw_code: string;
}

/** A generic (from properties) or singular (from `tests/`) data test. */
export interface TestNode extends BaseNode {
  resource_type: 'test';
  kind: 'generic' | 'singular';
  /** Generic test name (`unique`, ...) or null for a singular test. */
  test_name: string | null;
  column_name: string | null;
  /** unique_id of the model/seed/source the test is attached to. */
  attached_node: string | null;
  kwargs: Record<string, unknown>;
  raw_code: string;
  template: CompiledTemplate | null;
  spec: TestSpec | null;
}

/** A table of a declared source. */
export interface SourceNode extends BaseNode {
  resource_type: 'source';
  source_name: string;
  identifier: string;
  source_description: string;
  loader: string;
  loaded_at_field: string | null;
  freshness: Record<string, unknown> | null;
}

/** A node that can be executed. */
export type ExecNode = ModelNode | SeedNode | TestNode | SnapshotNode | UnitTestNode;
/** A node `ref()` can name. */
export type RefableNode = ModelNode | SeedNode | SnapshotNode;
/** Any node of the graph. */
export type GraphNode = ExecNode | SourceNode;

/** Double-quoted `"schema"."name"`. */
export function relationSql(schema: string, name: string): string {
  return `"${schema.replaceAll('"', '""')}"."${name.replaceAll('"', '""')}"`;
}
