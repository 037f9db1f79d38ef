import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DangoPlatform } from '@dango/core';
import { csvProject, dango, salesCsv, tempDir } from './helpers';

const CRM = '  - name: crm\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/crm\n';

describe('dango sync, status and logs in process', () => {
  let tmp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    tmp = tempDir();
  });
  afterEach(() => tmp.cleanup());

  it('syncs a CSV source with a progress line and a summary, then shows it in status and logs', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(1200), 'b.csv': salesCsv(34, 5000) });
    const r = await dango(['sync', '--project', root]);
    expect(r.stderr).toBe('');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toBe('sales: syncing...');
    expect(lines).toContain(lines.find((l) => /^sales: synced 1,234 rows in \d+\.\d\ds$/.test(l)));
    expect(lines.at(-1)).toBe('1 source synced, 0 failed, 1,234 rows');

    const status = await dango(['status'], { cwd: path.join(root, 'data') });
    expect(status.exitCode).toBe(0);
    expect(status.stdout).toContain('Server: not running');
    expect(status.stdout).toMatch(/^NAME\s+TYPE\s+STATUS\s+ROWS\s+LAST SYNC$/m);
    expect(status.stdout).toMatch(/^sales\s+csv\s+synced\s+1,234\s+\d{4}-\d\d-\d\dT[\d:.]+Z$/m);
    expect(status.stdout).toMatch(/^Warehouse: \d+\.\d (KB|MB)$/m);

    const json = await dango(['status', '--json', '--project', root]);
    expect(json.exitCode).toBe(0);
    const parsed = JSON.parse(json.stdout) as { project_dir: string; server_url: null; warehouse_bytes: number; sources: { name: string; row_count: number; status: string }[] };
    expect(parsed.project_dir).toBe(root);
    expect(parsed.server_url).toBeNull();
    expect(parsed.warehouse_bytes).toBeGreaterThan(0);
    expect(parsed.sources).toMatchObject([{ name: 'sales', row_count: 1234, status: 'synced' }]);

    const logs = await dango(['logs', '--project', root, '--source', 'sales']);
    expect(logs.exitCode).toBe(0);
    expect(logs.stdout).toMatch(/^\S+Z {2}INFO {5}Starting sync for sales$/m);
    expect(logs.stdout).toMatch(/^\S+Z {2}SUCCESS {2}.*1234 rows/m);
    const limited = await dango(['logs', '--project', root, '--limit', '1', '--json']);
    expect(limited.stdout.trim().split('\n')).toHaveLength(1);
    expect(JSON.parse(limited.stdout)).toMatchObject({ level: expect.any(String), message: expect.any(String) });

    // The CLI closed the warehouse: this process can open it.
    const platform = await DangoPlatform.open({ projectDir: root });
    try {
      const [row] = await platform.warehouse.query<{ n: number }>('SELECT count(*)::INTEGER AS n FROM raw_sales.sales');
      expect(row!.n).toBe(1234);
    } finally {
      await platform.close();
    }
  });

  it('fails with exit 1 and the reason when a CSV is malformed, and still syncs the other source', async () => {
    const root = await csvProject(tmp.dir, { 'bad.csv': 'id,name\n1,"unterminated\n2,ok\n' }, CRM);
    mkdirSync(path.join(root, 'data', 'uploads', 'crm'), { recursive: true });
    writeFileSync(path.join(root, 'data', 'uploads', 'crm', 'c.csv'), 'id,email\n1,a@example.com\n');
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^sales: FAILED: .*bad\.csv/m);
    expect(r.stdout).toMatch(/^crm: synced 1 row in /m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 1 failed, 1 row');

    const status = await dango(['status', '--project', root]);
    expect(status.stdout).toMatch(/^sales\s+csv\s+failed\s+0\s+/m);
  });

  it('syncs the other sources when one is misconfigured, and names the bad one with file and key', async () => {
    const bad = '  - name: crm\n    type: csv\n    enabled: true\n    csv:\n      directory: data/uploads/crm\n      encoding: klingon\n';
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) }, bad);
    const r = await dango(['sync', '--project', root]);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toMatch(/^sales: synced 3 rows in /m);
    expect(r.stdout).toMatch(/^crm: FAILED: Invalid \.dango\/sources\.yml: source 'crm', csv\.encoding 'klingon' is not supported/m);
    expect(r.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 1 failed, 3 rows');
  });

  it('syncs only the named sources, and rejects unknown names before syncing anything', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) }, CRM);
    const unknown = await dango(['sync', 'sales', 'nope', '--project', root]);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toBe("error: Unknown source 'nope' (configured: sales, crm)");
    expect(unknown.stdout).not.toContain('syncing');

    const named = await dango(['sync', 'sales', '--full-refresh', '--project', root]);
    expect(named.exitCode).toBe(0);
    expect(named.stdout).toContain('sales: syncing (full refresh)...');
    expect(named.stdout).not.toContain('crm');
    expect(named.stdout.trim().split('\n').at(-1)).toBe('1 source synced, 0 failed, 3 rows');

    const badLogs = await dango(['logs', '--source', 'nope', '--project', root]);
    expect(badLogs.exitCode).toBe(1);
    expect(badLogs.stderr).toBe("error: Unknown source 'nope'");
  });

  it('rejects bad dates with a clear error and says when there is nothing to sync', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    const bad = await dango(['sync', '--start-date', '2024-13-45', '--project', root]);
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toBe("error: --start-date '2024-13-45' is not a real calendar date");
    expect(bad.stdout).toBe('');
    const shape = await dango(['sync', '--end-date', '1/2/2024', '--project', root]);
    expect(shape.exitCode).toBe(2);
    expect(shape.stderr).toBe("error: --end-date must be a date as YYYY-MM-DD, got '1/2/2024'");
    const reversed = await dango(['sync', '--start-date', '2024-02-01', '--end-date', '2024-01-01', '--project', root]);
    expect(reversed.exitCode).toBe(2);
    expect(reversed.stderr).toBe('error: --start-date 2024-02-01 is after --end-date 2024-01-01');
    expect(reversed.stdout).toBe('');

    writeFileSync(path.join(root, '.dango', 'sources.yml'), 'sources: []\n');
    const none = await dango(['sync', '--project', root]);
    expect(none.exitCode).toBe(0);
    expect(none.stdout.trim()).toBe('No enabled sources to sync (add one to .dango/sources.yml)');
    const status = await dango(['status', '--project', root]);
    expect(status.stdout).toContain('No sources configured');
  });
});
