import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseProject } from '../../src/transform/graph/parse-project';
import type { ProjectGraph } from '../../src/transform/graph/project-graph';
import { loadProjectFiles } from '../../src/transform/project/load-project';

/** Writes a dbt folder from a map of relative paths to contents into a fresh temp dir. */
export function writeDbtDir(files: Record<string, string>): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  for (const [rel, text] of Object.entries(files)) {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parses a dbt folder described by `files` (no warehouse needed) and removes it afterwards. */
export function parseFiles(files: Record<string, string>): ProjectGraph {
  const { dir, cleanup } = writeDbtDir({ 'dbt_project.yml': 'name: proj\n', ...files });
  try {
    const loaded = loadProjectFiles(dir);
    return parseProject(loaded, {
      projectName: loaded.project.name, vars: loaded.project.vars,
      target: { name: 'dev', schema: 'main', type: 'duckdb', database: 'warehouse', threads: 4 },
      runStartedAt: new Date(), invocationId: 'test', fullRefresh: false, execute: false, docs: loaded.docs,
    });
  } finally {
    cleanup();
  }
}

/** The error `fn` throws (failing the test when it throws none). */
export function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected an error');
}
