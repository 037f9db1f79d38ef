import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvProject, dango, salesCsv, tempDir } from './helpers';

/** The "Platform started" lines of the project's activity log. */
function startedLines(root: string): string[] {
  const file = path.join(root, '.dango', 'logs', 'activity.jsonl');
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.includes('Platform started'));
}

describe('read-only commands', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('dango status and dango logs record nothing in the activity log; dango sync does', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    for (const args of [['status'], ['status', '--json'], ['logs'], ['logs', '--source', 'sales']]) {
      const r = await dango([...args, '--project', root]);
      expect(r.exitCode, args.join(' ')).toBe(0);
    }
    expect(startedLines(root)).toEqual([]);
    expect((await dango(['sync', '--project', root])).exitCode).toBe(0);
    expect(startedLines(root)).toHaveLength(1);
    expect((await dango(['status', '--project', root])).exitCode).toBe(0);
    expect(startedLines(root)).toHaveLength(1);
  });
});
