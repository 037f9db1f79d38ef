import path from 'node:path';
import type { Environment } from '@huggingface/jinja';
import type { GlobalContext } from '../jinja/dbt-context';
import { compileTemplate } from '../jinja/template';
import { applyConfigTree, defaultConfig, mergeConfig, type NodeConfig } from '../project/config-tree';
import type { ProjectFiles, SqlFile } from '../project/load-project';
import type { NodeProps } from '../project/properties-yml';
import { relationSql, type BaseNode } from '../graph/nodes';
import { renderForParse } from '../graph/parse-project';
import type { SnapshotNode } from './snapshot-node';

/** What parseProject lends the snapshot parser (so both build nodes the same way). */
export interface SnapshotParseHelpers {
  globals: Environment;
  ctx: GlobalContext;
  /** A node's common fields. */
  base: (rel: string, root: string, name: string, config: NodeConfig, props: NodeProps | undefined, kind: string, pkg: string) => BaseNode;
  /** dbt_project.yml config trees rendered (`snapshots:` of the project and of each package). */
  tree: (value: unknown) => unknown;
  /** A properties entry's `config:`, rendered. */
  ymlConfig: (props: NodeProps | undefined) => Record<string, unknown>;
}

function rootFor(rel: string, roots: string[]): string {
  return roots.find((r) => rel.startsWith(`${r.replace(/\/$/, '')}/`)) ?? path.posix.dirname(rel);
}

/**
 * The snapshots of the project and its packages: `{% snapshot %}` blocks, and yml `snapshots:`
 * entries with a `relation` (dbt 1.9), whose select is `select * from <relation>`. Configs apply
 * as dbt layers them: the package's then the project's `snapshots:` tree, the yml entry, the
 * block's own `config()`.
 */
export function parseSnapshots(files: ProjectFiles, h: SnapshotParseHelpers): SnapshotNode[] {
  const projectName = files.project.name;
  const projectTree = h.tree(files.project.snapshots);
  const packageTrees = new Map(files.packages.map((p) => [p.name, h.tree(p.project.snapshots)]));
  const out: SnapshotNode[] = [];
  const add = (file: SqlFile, name: string, props: NodeProps | undefined) => {
    const pkg = file.package ?? projectName;
    const config = defaultConfig('snapshot');
    const node: SnapshotNode = {
      ...h.base(file.rel, file.root, name, config, props, 'snapshot', pkg), resource_type: 'snapshot', raw_code: file.source, template: file.template, refs: [], sources: [],
    };
    if (file.package) applyConfigTree(config, packageTrees.get(file.package), node.fqn);
    applyConfigTree(config, projectTree, node.fqn);
    mergeConfig(config, h.ymlConfig(props));
    const captured = renderForParse(h.globals, h.ctx, file, config, { name, unique_id: node.unique_id, resource_type: 'snapshot', fqn: node.fqn, package_name: pkg });
    node.refs = captured.refs;
    node.sources = captured.sources;
    if (config.enabled !== false) out.push(node);
  };
  for (const block of files.snapshots) add(block, block.name, block.package ? undefined : files.properties.snapshots.get(block.name));
  const roots = [...files.project.snapshotPaths, ...files.project.modelPaths];
  for (const props of files.properties.snapshots.values()) {
    if (!props.relation) continue;
    const source = `select * from {{ ${props.relation} }}`;
    add({ abs: '', rel: props.file, root: rootFor(props.file, roots), package: null, source, template: compileTemplate(source, props.file) }, props.name, props);
  }
  return out;
}

/** Legacy `target_schema` / `target_database` name a snapshot's relation literally (no generate_schema_name), as in dbt. */
export function applySnapshotTarget(node: SnapshotNode, targetDatabase: string): void {
  const { target_schema: schema, target_database: database } = node.config;
  if (typeof schema === 'string' && schema) node.schema = schema;
  if (typeof database === 'string' && database) node.database = database;
  node.relation = node.database === targetDatabase ? relationSql(node.schema, node.alias) : `"${node.database.replaceAll('"', '""')}".${relationSql(node.schema, node.alias)}`;
}
