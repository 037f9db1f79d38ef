import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DangoPlatform, initProject, type DangoEvent } from '../../src/index';

/** The fixtures folder of the transform tests. */
export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

/** A temp Dango project whose `dbt/` folder is a copy of a fixture (or the `initProject` skeleton). */
export interface TestProject {
  dir: string;
  dbtDir: string;
  /** Writes a file relative to `dbt/`. */
  write(rel: string, text: string): void;
  /** Removes a file relative to `dbt/`. */
  remove(rel: string): void;
  /** Opens a platform on the project; `closeTestProjects` closes it. */
  open(): Promise<DangoPlatform>;
}

/** Projects created since the last `closeTestProjects`, with the platforms opened on them. */
const live: Array<{ dir: string; platforms: DangoPlatform[] }> = [];

/** Closes every platform the test projects opened and removes their folders (a test file's `afterEach`/`afterAll`). */
export async function closeTestProjects(): Promise<void> {
  for (const { dir, platforms } of live.splice(0)) {
    await Promise.all(platforms.map((p) => p.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Creates a temp project; `fixture` (a folder under fixtures/) replaces the scaffolded dbt folder. */
export async function createTestProject(fixture?: string, files: Record<string, string> = {}): Promise<TestProject> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  await initProject(dir, { name: 'transform-test' });
  const dbtDir = path.join(dir, 'dbt');
  if (fixture) {
    rmSync(dbtDir, { recursive: true, force: true });
    cpSync(path.join(FIXTURES, fixture), dbtDir, { recursive: true });
  }
  const write = (rel: string, text: string) => {
    const file = path.join(dbtDir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
  };
  for (const [rel, text] of Object.entries(files)) write(rel, text);
  const entry = { dir, platforms: [] as DangoPlatform[] };
  live.push(entry);
  return {
    dir,
    dbtDir,
    write,
    remove: (rel) => rmSync(path.join(dbtDir, rel), { force: true }),
    open: async () => {
      const platform = await DangoPlatform.open({ projectDir: dir });
      entry.platforms.push(platform);
      return platform;
    },
  };
}

/** Collects every event a platform emits. */
export function recordEvents(platform: DangoPlatform): DangoEvent[] {
  const events: DangoEvent[] = [];
  platform.on('event', (e) => events.push(e));
  return events;
}
