import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { HISTORY_LIMIT } from '../../src/sources/history';
import { SourceService } from '../../src/sources/source-service';
import type { SyncResult } from '../../src/sources/types';
import { createProject, csv, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

/** A CSV big enough that its sync is still running when the test looks (no timing assumed: the test only needs it to be in flight). */
function bigCsv(rowsCount: number): string {
  const lines = ['id,name,amount'];
  for (let i = 0; i < rowsCount; i++) lines.push(`${i},name_${i},${i % 1000}.5`);
  return lines.join('\n') + '\n';
}

describe('sync control', () => {
  it('validates names and options before starting', async () => {
    project = await createProject({ sales: {}, off: { enabled: false }, odd: { type: 'mystery' } });
    const platform = await project.open();
    await expect(platform.sync('nope')).rejects.toMatchObject({ code: 'NOT_FOUND', message: "Source 'nope' not found" });
    expect(() => platform.startSync('off')).toThrow(/disabled/);
    await expect(platform.sync('off')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(platform.sync('odd')).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: /No connector for source type 'mystery'/ });
    for (const options of [
      { startDate: '2024-1-01' },
      { startDate: '2024-02-30' },
      { endDate: 'yesterday' },
      { startDate: '2024-03-02', endDate: '2024-03-01' },
      { fullRefresh: 'yes' as unknown as boolean },
    ]) {
      await expect(platform.sync('sales', options)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(fs.existsSync(path.join(project.dir, '.dango', 'history', 'sales.jsonl'))).toBe(false);
    const ok = await platform.sync('sales', { startDate: '2024-03-01', endDate: '2024-03-01' });
    expect(ok).toMatchObject({ status: 'success', rows_processed: 0 });
    // No files yet: no table is created, and the source reads as synced-but-empty.
    expect((await platform.listSources()).find((s) => s.name === 'sales')).toMatchObject({ status: 'empty', tables: [] });
  });

  it('allows one sync per source (CONFLICT at once) and runs different sources side by side', async () => {
    project = await createProject({ sales: {}, other: {} });
    project.write('sales', 'big.csv', bigCsv(200_000));
    project.write('other', 'big.csv', bigCsv(200_000));
    const platform = await project.open();
    const first = platform.startSync('sales');
    expect(first.source_name).toBe('sales');
    expect(first.started_at).toMatch(/Z$/);
    expect(() => platform.startSync('sales')).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    await expect(platform.sync('sales')).rejects.toMatchObject({ code: 'CONFLICT' });
    const second = platform.startSync('other');
    const statuses = Object.fromEntries((await platform.listSources()).map((s) => [s.name, s.status]));
    expect(statuses).toEqual({ sales: 'syncing', other: 'syncing' });
    const [a, b] = await Promise.all([first.done, second.done]);
    expect([a.status, a.rows_processed, b.status, b.rows_processed]).toEqual(['success', 200_000, 'success', 200_000]);
    expect((await platform.sync('sales')).status).toBe('success');
  });

  it('keeps the last 100 history entries, newest first in details', async () => {
    project = await createProject();
    const historyFile = path.join(project.dir, '.dango', 'history', 'sales.jsonl');
    fs.mkdirSync(path.dirname(historyFile), { recursive: true });
    const old = Array.from({ length: HISTORY_LIMIT }, (_, i) =>
      JSON.stringify({ timestamp: new Date(Date.UTC(2024, 0, 1, 0, i)).toISOString(), status: 'success', duration_seconds: 1, rows_processed: i, full_refresh: false, error_message: null }),
    );
    fs.writeFileSync(historyFile, old.join('\n') + '\n');
    const platform = await project.open();
    const r = await platform.sync('sales');
    const lines = fs.readFileSync(historyFile, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(HISTORY_LIMIT);
    expect(JSON.parse(lines[0]!).rows_processed).toBe(1);
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ timestamp: r.finished_at, status: 'success' });
    const details = await platform.getSource('sales');
    expect(details.history).toHaveLength(HISTORY_LIMIT);
    expect(details.history[0]!.timestamp).toBe(r.finished_at);
  });

  it('marks a failed sync in status, history, events and the source log', async () => {
    project = await createProject();
    project.write('sales', 'bad.csv', 'id,name\n1,"open\n');
    const platform = await project.open();
    const failed = new Promise((resolve) => platform.once('sync_failed', resolve));
    const r = await platform.sync('sales');
    expect(r).toMatchObject({ status: 'failed', rows_processed: 0 });
    await expect(failed).resolves.toMatchObject({ source: 'sales', error: r.error_message, message: `Sync failed: ${r.error_message}` });
    const [summary] = await platform.listSources();
    expect(summary).toMatchObject({ status: 'failed', freshness: { last_update: null, days_old: null } });
    expect(summary!.last_sync).toBe(r.finished_at);
    expect((await platform.getSource('sales')).history[0]).toMatchObject({ status: 'failed', error_message: r.error_message });
    expect((await platform.sourceLogs('sales')).at(-1)).toMatchObject({ level: 'ERROR', message: `Sync failed: ${r.error_message}` });
  });

  it('awaits the after-sync hook before resolving and logs its failure as a warning without failing the sync', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', csv(['id'], [[1]]));
    const platform = await project.open();
    const order: string[] = [];
    platform.on('sync_completed', () => order.push('completed'));
    const service = new SourceService(platform.context, {
      afterSync: async (source: string, result: SyncResult) => {
        order.push(`hook:${source}:${result.rows_processed}`);
        await new Promise((resolve) => setImmediate(resolve));
        throw new Error('models exploded');
      },
    });
    const result = await service.sync('sales');
    order.push('resolved');
    expect(result.status).toBe('success');
    expect(order).toEqual(['completed', 'hook:sales:1', 'resolved']);
    expect(platform.logs().at(-1)).toMatchObject({ level: 'WARNING', source: 'sales', message: expect.stringMatching(/models exploded/) });
    await service.close();
  });

  it('close() waits for a running sync', async () => {
    project = await createProject();
    project.write('sales', 'big.csv', bigCsv(100_000));
    const platform = await project.open();
    const started = platform.startSync('sales');
    let settled = false;
    void started.done.then(() => (settled = true));
    await platform.close();
    expect(settled).toBe(true);
    expect((await started.done).status).toBe('success');
    project.platform = null;
  });
});

describe('empty-replace protection', () => {
  it('refuses to empty a table when its files vanish or are emptied, unless allowEmpty', async () => {
    project = await createProject();
    const a = project.write('sales', 'a.csv', csv(['id'], [[1], [2]]));
    const platform = await project.open();
    await platform.sync('sales');
    fs.writeFileSync(a, 'id\n');
    const emptied = await platform.sync('sales');
    expect(emptied.status).toBe('failed');
    expect(emptied.error_message).toMatch(/Refusing to empty raw_sales\.sales \(2 rows\)/);
    fs.rmSync(a);
    const vanished = await platform.sync('sales');
    expect(vanished.status).toBe('failed');
    expect(await rows(platform, 'SELECT id FROM raw_sales.sales ORDER BY id')).toEqual([{ id: 1 }, { id: 2 }]);
    expect((await platform.listFiles('sales')).files).toMatchObject([{ filename: 'a.csv', status: 'missing', rows_loaded: 2 }]);
    const full = await platform.sync('sales', { fullRefresh: true });
    expect(full.status).toBe('failed');
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 2 }]);

    const allowed = await platform.sync('sales', { allowEmpty: true });
    expect(allowed).toMatchObject({ status: 'success', files: { removed: ['a.csv'] } });
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 0 }]);
    expect((await platform.listFiles('sales')).files).toEqual([]);
  });
});
