import { createHash } from 'node:crypto';
import fs from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { DangoEventMap } from '../../src';
import { bumpMtime, createProject, csv, recordEvents, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

type Progress = DangoEventMap['sync_progress'];

/** `n` files `part-000.csv`... of `per` rows each with one header; ids run on across files. */
function writeParts(p: TestProject, n: number, per: number, header = 'id,name,amount'): void {
  for (let f = 0; f < n; f++) {
    const data = Array.from({ length: per }, (_, r) => {
      const id = f * per + r + 1;
      return [id, `n${id}`, (id * 1.25).toFixed(2)];
    });
    p.write('sales', `part-${String(f).padStart(3, '0')}.csv`, csv(header.split(','), data));
  }
}

const tracked = (p: TestProject) =>
  rows<{ path: string; file_id: number; rows: number; error: string | null; hash: string | null }>(
    p.platform!,
    "SELECT path, file_id, rows, error, hash FROM _dango.source_files WHERE source = 'sales' ORDER BY path",
  );

describe('many small files (issue 15 item 4)', () => {
  it('loads files sharing a header in one statement, with per-file ids, lineage, row counts and tracking', async () => {
    project = await createProject();
    writeParts(project, 30, 50);
    // Another header: its own description and statement, in the same table.
    project.write('sales', 'other.csv', 'id,name,amount,extra\n9001,x,1.5,e\n9002,y,2.5,f\n');
    const platform = await project.open();
    const events = recordEvents(platform, ['sync_progress']) as Progress[];
    const result = await platform.sync('sales');
    expect(result).toMatchObject({ status: 'success', rows_processed: 30 * 50 + 2 });
    expect(result.files?.loaded).toHaveLength(31);

    const perFile = await rows<{ f: string; n: number; lo: number; hi: number }>(
      platform,
      'SELECT _dango_file AS f, count(*)::INTEGER AS n, min(id)::INTEGER AS lo, max(id)::INTEGER AS hi FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) GROUP BY 1 ORDER BY 1',
    );
    expect(perFile).toHaveLength(31);
    expect(perFile[0]).toEqual({ f: 'other.csv', n: 2, lo: 9001, hi: 9002 });
    perFile.slice(1).forEach((r, f) => {
      expect(r).toEqual({ f: `part-${String(f).padStart(3, '0')}.csv`, n: 50, lo: f * 50 + 1, hi: f * 50 + 50 });
    });
    const t = await tracked(project);
    expect(t.every((r) => r.error === null)).toBe(true);
    expect(t.find((r) => r.path === 'part-007.csv')?.rows).toBe(50);
    expect(t.find((r) => r.path === 'other.csv')?.rows).toBe(2);
    expect(new Set(t.map((r) => r.file_id)).size).toBe(31);
    // Rows are stored in file order, file after file.
    const order = await rows<{ id: number }>(platform, 'SELECT id::INTEGER AS id FROM raw_sales.sales WHERE id <= 1500');
    expect(order.map((r) => r.id)).toEqual(Array.from({ length: 1500 }, (_, i) => i + 1));

    // One 'loaded' event per file; fewer 'loading' events than files (the 29 files after the first share one statement).
    const loaded = events.filter((e) => e.step === 'loaded');
    expect(loaded).toHaveLength(31);
    expect(loaded.find((e) => e.file === 'part-012.csv')?.rows).toBe(50);
    expect(events.filter((e) => e.step === 'loading').length).toBeLessThan(31);
  });

  it('reloads one changed file of a batch incrementally, keeping the others and their ids', async () => {
    project = await createProject();
    writeParts(project, 10, 20);
    const platform = await project.open();
    await platform.sync('sales');
    const before = await tracked(project);
    const file = project.write('sales', 'part-004.csv', csv(['id', 'name', 'amount'], [[5000, 'new', 1]]));
    bumpMtime(file);
    const result = await platform.sync('sales');
    expect(result.files).toEqual({ loaded: ['part-004.csv'], removed: [], unchanged: 9 });
    const [count] = await rows<{ n: number }>(platform, 'SELECT count(*)::INTEGER AS n FROM raw_sales.sales');
    expect(count!.n).toBe(9 * 20 + 1);
    const after = await tracked(project);
    expect(after.map((r) => r.file_id)).toEqual(before.map((r) => r.file_id));
    expect(after.find((r) => r.path === 'part-004.csv')?.rows).toBe(1);
  });

  it('names a bad file among many (and its line), loads nothing, and records the failure on that file', async () => {
    project = await createProject();
    writeParts(project, 12, 20);
    // Same header as the others, so it borrows their description: the shared statement fails and the retry names it.
    project.write('sales', 'part-006.csv', 'id,name,amount\n121,a,1.5\n122,b,2.5\n123,c,3.5,extra\n');
    const platform = await project.open();
    const result = await platform.sync('sales');
    expect(result.status).toBe('failed');
    expect(result.error_message).toMatch(/^part-006\.csv is not valid CSV \(line 4\)/);
    const [tables] = await rows<{ n: number }>(platform, "SELECT count(*)::INTEGER AS n FROM duckdb_tables() WHERE schema_name = 'raw_sales' AND table_name = 'sales'");
    expect(tables!.n).toBe(0);
    const t = await tracked(project);
    expect(t.filter((r) => r.error !== null).map((r) => r.path)).toEqual(['part-006.csv']);
  });

  it('a file whose values do not fit the shared types gets its own: the sync succeeds with the widened column', async () => {
    project = await createProject();
    writeParts(project, 5, 20);
    // Same header; its amount column holds text, and its id a decimal the shared INTEGER type would round.
    project.write('sales', 'part-009.csv', 'id,name,amount\n7.5,z,n/a\n');
    const platform = await project.open();
    const result = await platform.sync('sales');
    expect(result).toMatchObject({ status: 'success', rows_processed: 5 * 20 + 1 });
    const cols = await rows<{ name: string; type: string }>(platform, "SELECT column_name AS name, data_type AS type FROM information_schema.columns WHERE table_schema = 'raw_sales' AND table_name = 'sales' AND column_name IN ('id', 'amount') ORDER BY 1");
    expect(cols).toEqual([{ name: 'amount', type: 'VARCHAR' }, { name: 'id', type: 'DOUBLE' }]);
    const [odd] = await rows<{ id: number; amount: string }>(platform, "SELECT id, amount FROM raw_sales.sales WHERE name = 'z'");
    expect(odd).toEqual({ id: 7.5, amount: 'n/a' });
  });

  it('reports bytes read in sync_progress: monotonic, ending at bytes == total_bytes', async () => {
    project = await createProject();
    writeParts(project, 4, 30);
    project.write('sales', 'wide.csv', 'id,name,amount,extra\n1,a,1,x\n');
    project.write('sales', 'narrow.csv', 'id\n1\n2\n');
    const platform = await project.open();
    const events = recordEvents(platform, ['sync_progress']) as Progress[];
    expect((await platform.sync('sales')).status).toBe('success');
    const total = fs.readdirSync(project.sourceDir('sales')).reduce((n, f) => n + fs.statSync(`${project.sourceDir('sales')}/${f}`).size, 0);
    const reading = events.filter((e) => e.step === 'reading');
    // Three statements (three headers; the four parts share one), each reported when done.
    expect(reading.length).toBeGreaterThanOrEqual(3);
    expect(reading.every((e) => e.total_bytes === total)).toBe(true);
    const bytes = reading.map((e) => e.bytes!);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(new Set(bytes).size).toBe(bytes.length);
    expect(bytes.at(-1)).toBe(total);
  });
});

describe('content hashes after the load (issue 15 item 5)', () => {
  it('a file whose hashing was stopped is hashed by a later sync, and tracking still tells touched from changed', async () => {
    project = await createProject();
    const file = project.write('sales', 'a.csv', 'id,v\n1,10\n2,20\n');
    let platform = await project.open();
    await platform.sync('sales');
    // A second sync waits for the first one's hashing, so the UPDATE below cannot race with it.
    await platform.sync('sales');
    // As close() leaves it when it stops the hashing of a large file.
    await platform.warehouse.write((conn) => conn.run("UPDATE _dango.source_files SET hash = NULL WHERE source = 'sales'"));
    await platform.close();
    platform = await project.open();
    expect((await tracked(project))[0]!.hash).toBeNull();
    expect((await platform.sync('sales')).files).toEqual({ loaded: [], removed: [], unchanged: 1 });
    // The next sync waits for the previous one's bookkeeping, which hashed the file.
    await platform.sync('sales');
    const sha = createHash('sha256').update(fs.readFileSync(file)).digest('hex');
    expect((await tracked(project))[0]!.hash).toBe(sha);
    bumpMtime(file);
    expect((await platform.sync('sales')).files).toEqual({ loaded: [], removed: [], unchanged: 1 });
    fs.writeFileSync(file, 'id,v\n1,10\n2,21\n');
    bumpMtime(file, 20);
    expect((await platform.sync('sales')).files).toEqual({ loaded: ['a.csv'], removed: [], unchanged: 0 });
  });

  it('close() right after a sync does not wait to hash a large file; the next sync still detects a change', async () => {
    project = await createProject();
    const line = 'x'.repeat(1000);
    const file = project.write('sales', 'big.csv', `id,v\n${Array.from({ length: 64 * 1024 }, (_, i) => `${i},${line}`).join('\n')}\n`);
    let platform = await project.open();
    expect((await platform.sync('sales')).status).toBe('success');
    await platform.close();
    platform = await project.open();
    expect((await tracked(project))[0]!.hash).toBeNull();
    fs.writeFileSync(file, 'id,v\n1,changed\n');
    bumpMtime(file);
    expect((await platform.sync('sales')).files).toEqual({ loaded: ['big.csv'], removed: [], unchanged: 0 });
  });
});
