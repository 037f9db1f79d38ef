import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ModelRunState } from './state/model-state';
import type { ModelInfo } from './types';

interface ManifestNode {
  resource_type?: string;
  name?: string;
  description?: string;
  database?: string;
  schema?: string;
  config?: { materialized?: string; tags?: string[] };
  depends_on?: { nodes?: string[] };
  original_file_path?: string;
}

/**
 * The models of a dbt `manifest.json` (as a real dbt wrote it), for projects the embedded parser
 * cannot read (e.g. ones using dbt packages); null when there is no readable manifest.
 */
export function modelsFromManifest(targetDir: string, states: Record<string, ModelRunState>): ModelInfo[] | null {
  let doc: { nodes?: Record<string, ManifestNode> };
  try {
    doc = JSON.parse(readFileSync(path.join(targetDir, 'manifest.json'), 'utf8')) as typeof doc;
  } catch {
    return null;
  }
  const nodes = doc.nodes ?? {};
  const nameOf = (id: string) => nodes[id]?.name ?? id.split('.').pop()!;
  return Object.values(nodes)
    .filter((n) => n.resource_type === 'model' && typeof n.name === 'string')
    .map((n) => {
      const s = states[n.name!];
      return {
        name: n.name!,
        description: n.description ?? '',
        database: n.database ?? '',
        schema: n.schema ?? '',
        depends_on: (n.depends_on?.nodes ?? []).filter((id) => !id.startsWith('source.')).map(nameOf),
        materialization: n.config?.materialized ?? 'view',
        status: s?.status ?? null,
        tags: n.config?.tags ?? [],
        path: n.original_file_path,
        last_run: s?.last_run ?? null,
        execution_time: s?.execution_time ?? null,
        error: s?.error ?? null,
      };
    })
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
