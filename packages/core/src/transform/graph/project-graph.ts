import type { GlobalContext } from '../jinja/dbt-context';
import type { ProjectFiles } from '../project/load-project';
import type { AnalysisNode, DeclaredNode } from './parse-declared';
import type { GraphNode, ModelNode, RefableNode, SeedNode, SourceNode } from './nodes';

/** A parsed dbt project: its nodes, their relations and a dependency order. */
export interface ProjectGraph {
  projectName: string;
  dbtDir: string;
  targetPath: string;
  /** Every node (models, seeds, tests, sources) by unique_id. */
  nodes: Map<string, GraphNode>;
  /** Models, seeds and snapshots by name, for `ref`. */
  byName: Map<string, RefableNode>;
  /** Source tables by `source.table`. */
  sources: Map<string, SourceNode>;
  parentMap: Map<string, string[]>;
  childMap: Map<string, string[]>;
  /** Every unique_id in dependency order (parents first). */
  order: string[];
  files: ProjectFiles;
  ctx: GlobalContext;
  /** Analyses: compiled by compile/build/docs generate into target/compiled, never run. */
  analyses: AnalysisNode[];
  /** Exposures, metrics, semantic models and saved queries: in the manifest, never executed. */
  declared: DeclaredNode[];
}
