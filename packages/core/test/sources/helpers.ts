import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { initProject } from '../../src/config';
import type { DangoEventMap, DangoEventType } from '../../src/events';
import { DangoPlatform, type OpenOptions } from '../../src/platform';

/** A temp project with CSV sources; `close()` closes the platform (if opened) and removes the folder. */
export interface TestProject {
  dir: string;
  /** Absolute directory of a source's files. */
  sourceDir(name: string): string;
  write(source: string, file: string, content: string | Buffer): string;
  open(options?: Omit<OpenOptions, 'projectDir'>): Promise<DangoPlatform>;
  platform: DangoPlatform | null;
  close(): Promise<void>;
}

/** Source entries for sources.yml: a name -> extra csv options (directory defaults to data/uploads/<name>). */
export type SourceSpec = Record<string, Record<string, unknown> & { enabled?: boolean; type?: string }>;

/** Creates a temp project with the given CSV sources. */
export async function createProject(sources: SourceSpec = { sales: {} }): Promise<TestProject> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'test' });
  const entries = Object.entries(sources).map(([name, { enabled, type, ...csv }]) => ({
    name,
    type: type ?? 'csv',
    enabled: enabled ?? true,
    [type ?? 'csv']: { directory: `data/uploads/${name}`, file_pattern: '*.csv', ...csv },
  }));
  fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), stringify({ sources: entries }));
  for (const name of Object.keys(sources)) fs.mkdirSync(path.join(dir, 'data', 'uploads', name), { recursive: true });
  const project: TestProject = {
    dir,
    platform: null,
    sourceDir: (name) => path.join(dir, 'data', 'uploads', name),
    write(source, file, content) {
      const p = path.join(project.sourceDir(source), file);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
      return p;
    },
    async open(options = {}) {
      project.platform = await DangoPlatform.open({ projectDir: dir, ...options });
      return project.platform;
    },
    async close() {
      await project.platform?.close();
      project.platform = null;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return project;
}

/** Rows of a query as plain objects, ordered as the SQL says. */
export function rows<T = Record<string, unknown>>(platform: DangoPlatform, sql: string): Promise<T[]> {
  return platform.warehouse.query<T>(sql);
}

/** Collects the platform's events of the given types, in order. */
export function recordEvents(platform: DangoPlatform, types: DangoEventType[]): Array<DangoEventMap[DangoEventType]> {
  const seen: Array<DangoEventMap[DangoEventType]> = [];
  platform.on('event', (e) => {
    if (types.includes(e.type)) seen.push(e);
  });
  return seen;
}

/** CSV text from a header and rows. */
export function csv(header: string[], data: Array<Array<string | number>>, delim = ','): string {
  return [header.join(delim), ...data.map((r) => r.join(delim))].join('\n') + '\n';
}

/** Sets a file's mtime to a distinct value so change detection cannot miss a rewrite within the same millisecond. */
export function bumpMtime(file: string, seconds = 10): void {
  const st = fs.statSync(file);
  const t = new Date(st.mtimeMs + seconds * 1000);
  fs.utimesSync(file, t, t);
}
