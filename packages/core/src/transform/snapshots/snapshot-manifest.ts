import { createHash } from 'node:crypto';
import type { SnapshotNode } from './snapshot-node';

/** The snapshot-specific fields of a snapshot's manifest node (beside the common ones). */
export function snapshotManifestFields(n: SnapshotNode, compiled: string | undefined): Record<string, unknown> {
  return {
    resource_type: 'snapshot', checksum: { name: 'sha256', checksum: createHash('sha256').update(n.raw_code).digest('hex') }, relation_name: n.relation,
    raw_code: n.raw_code, language: 'sql', refs: n.refs.map((r) => ({ name: r.name, package: r.package, version: null })), sources: n.sources, metrics: [],
    depends_on: { macros: [], nodes: n.depends_on }, compiled: compiled !== undefined, compiled_code: compiled ?? null, extra_ctes_injected: compiled !== undefined,
    extra_ctes: [], contract: { enforced: false, alias_types: true, checksum: null },
  };
}
