import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { ProjectGraph } from '../graph/project-graph';
import { writeJsonAtomic } from '../../files';

/** The absolute `target/` folder of a project. */
export function targetDir(graph: ProjectGraph): string {
  return path.resolve(graph.dbtDir, graph.targetPath);
}

/** Writes one artifact (`manifest.json`, ...) into `target/`, atomically; returns its path. */
export async function writeArtifact(graph: ProjectGraph, name: string, value: unknown): Promise<string> {
  const file = path.join(targetDir(graph), name);
  await writeJsonAtomic(file, value);
  return file;
}

/** Writes each node's compiled SQL to `target/compiled/<project>/<original path>`, as dbt does. */
export async function writeCompiledFiles(graph: ProjectGraph, compiled: Map<string, string>): Promise<void> {
  const root = path.join(targetDir(graph), 'compiled', graph.projectName);
  const files = new Map<string, string>();
  const analyses = new Map(graph.analyses.map((a) => [a.unique_id, a]));
  for (const [id, sql] of compiled) {
    const node = graph.nodes.get(id) ?? analyses.get(id);
    if (!node) continue;
    // Tests declared in yml (generic tests, unit tests) compile to `<yml path>/<name>.sql`, as in dbt.
    const inYml = (node.resource_type === 'test' && node.kind === 'generic') || node.resource_type === 'unit_test' || /\.ya?ml$/.test(node.original_file_path);
    const rel = inYml ? path.posix.join(node.original_file_path, `${node.alias}.sql`) : node.original_file_path;
    files.set(path.join(root, ...rel.split('/')), sql);
  }
  for (const dir of new Set([...files.keys()].map((f) => path.dirname(f)))) await mkdir(dir, { recursive: true });
  await Promise.all([...files].map(([file, sql]) => writeFile(file, `${sql}\n`)));
}
