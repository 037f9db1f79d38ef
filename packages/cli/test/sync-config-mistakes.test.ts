import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvProject, dango, salesCsv, tempDir } from './helpers';

describe('dango sync and config mistakes', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('refuses to empty a table, naming --allow-empty, and empties it with --allow-empty', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    expect((await dango(['sync', '--project', root])).exitCode).toBe(0);
    // The platform's files view of the source is bookkeeping: status shows the data table only.
    const status = JSON.parse((await dango(['status', '--json', '--project', root])).stdout) as { sources: { tables: { name: string }[] }[] };
    expect(status.sources[0]!.tables.map((t) => t.name)).toEqual(['sales']);
    writeFileSync(path.join(root, 'data/uploads/sales/a.csv'), 'id,amount\n');
    const refused = await dango(['sync', '--project', root]);
    expect(refused.exitCode).toBe(1);
    expect(refused.stdout).toMatch(/^sales: FAILED: Refusing to empty raw_sales\.sales \(3 rows\): .*sync again with --allow-empty \(dango sync\)/m);
    const allowed = await dango(['sync', '--allow-empty', '--project', root]);
    expect(allowed.stderr).toBe('');
    expect(allowed.exitCode).toBe(0);
    expect(allowed.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 0 failed, 0 rows');
  });

  it('says "directory not found" (exit 1) instead of syncing 0 rows, and source check fails the same way', async () => {
    const root = await csvProject(tmp.dir, {});
    rmSync(path.join(root, 'data/uploads/sales'), { recursive: true });
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toContain(`sales: FAILED: Source 'sales': directory not found: data/uploads/sales (${path.join(root, 'data/uploads/sales')})`);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('0 sources synced, 1 failed, 0 rows');
    const check = await dango(['source', 'check', 'sales', '--project', root]);
    expect(check.exitCode).not.toBe(0);
    expect(`${check.stdout}${check.stderr}`).toContain('directory not found: data/uploads/sales');
  });

  it('refuses a mistyped key with its path and the close match, before syncing anything', async () => {
    const root = await csvProject(tmp.dir, {});
    writeFileSync(path.join(root, '.dango/sources.yml'), 'sources:\n  - name: sales\n    type: csv\n    csv:\n      dir: data/uploads/sales\n');
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).not.toBe(0);
    expect(r.stdout).not.toContain('syncing');
    expect(r.stderr).toContain('Invalid .dango/sources.yml: sources[0].csv.dir: unknown key (did you mean "directory"?)');
  });
});
