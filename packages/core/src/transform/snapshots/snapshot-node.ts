import type { BaseNode } from '../graph/nodes';
import type { CompiledTemplate } from '../jinja/template';

/** A snapshot: a `{% snapshot %}` block of snapshot-paths, or a yml `snapshots:` entry with a `relation`. */
export interface SnapshotNode extends BaseNode {
  resource_type: 'snapshot';
  /** The select the snapshot records (the block's body, or `select * from {{ relation }}`). */
  raw_code: string;
  template: CompiledTemplate;
  refs: { name: string; package: string | null }[];
  sources: [string, string][];
}
