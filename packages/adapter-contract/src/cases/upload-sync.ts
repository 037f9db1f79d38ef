import fs from 'node:fs';
import { expect, it } from 'vitest';
import type { ContractEnv } from '../contract-env';
import { MAX_UPLOAD_BYTES, SOURCE, salesCsv } from '../fixture-project';
import { csvForm } from '../http-client';
import { recordWs } from '../ws-client';
import { holdWriteQueue } from './hold-write-queue';
import { expectDetail } from './read-routes';

const SEED_ROWS = 10;
const UPLOAD_ROWS = 20;

/** Multipart upload, sync with its events on `/ws`, the file listing and deletion, and their errors. */
export function uploadSyncCases(env: ContractEnv): void {
  const upload = (filename: string, content: string, query = '', field = 'file') =>
    env.api(`/api/sources/${SOURCE}/upload-csv${query}`, { method: 'POST', body: csvForm(filename, content, field) });

  it('uploads a CSV (multipart), syncs it, and /ws carries sync_started then sync_completed with rows', async () => {
    const ws = await recordWs(env.wsUrl('/ws'));
    try {
      await ws.next((m) => m.type === 'connected');
      const up = await upload('upload_a.csv', salesCsv(UPLOAD_ROWS, 1000));
      expect(up.status).toBe(200);
      expect(up.json).toMatchObject({ success: true, source_name: SOURCE, file_name: 'upload_a.csv' });
      expect(fs.readFileSync(up.json.file_path, 'utf8')).toBe(salesCsv(UPLOAD_ROWS, 1000));
      await ws.next((m) => m.type === 'csv_uploaded' && m.source === SOURCE && m.file === 'upload_a.csv');

      const sync = await env.api(`/api/sources/${SOURCE}/sync`, { method: 'POST', json: { full_refresh: false } });
      expect(sync.status).toBe(200);
      expect(sync.json).toMatchObject({ success: true, source_name: SOURCE });
      expect(sync.json.started_at).toMatch(/Z$/);
      const completed = await ws.next((m) => m.type === 'sync_completed' && m.source === SOURCE);
      const started = ws.messages.findIndex((m) => m.type === 'sync_started' && m.source === SOURCE);
      expect(started).toBeGreaterThanOrEqual(0);
      expect(started).toBeLessThan(ws.messages.indexOf(completed));
      expect(completed.rows).toEqual(expect.any(Number));
      expect(completed.rows).toBeGreaterThan(0);
      expect(completed.timestamp).toMatch(/Z$/);
    } finally {
      await ws.close();
    }
    const sources = await env.api('/api/sources');
    expect(sources.json[0]).toMatchObject({ status: 'synced', row_count: SEED_ROWS + UPLOAD_ROWS });
  });

  it('refuses uploads that exist, do not match the pattern, are too large or lack the file field', async () => {
    expectDetail(await upload('upload_a.csv', salesCsv(2)), 409);
    expectDetail(await upload('notes.txt', 'just text\n'), 400);
    expectDetail(await upload('big.csv', salesCsv(Math.ceil(MAX_UPLOAD_BYTES / 10))), 413);
    expectDetail(await upload('other.csv', salesCsv(2), '', 'attachment'), 400);
    expectDetail(await env.api('/api/sources/no_such_source/upload-csv', { method: 'POST', body: csvForm('x.csv', salesCsv(1)) }), 404);
    const notMultipart = await env.api(`/api/sources/${SOURCE}/upload-csv`, { method: 'POST', json: { file: 'x.csv' } });
    expect([400, 415]).toContain(notMultipart.status);
    expect(typeof notMultipart.json.detail).toBe('string');
    // Refused uploads leave nothing behind, not even a partial file.
    expect(fs.readdirSync(env.fixture.salesDir).sort()).toEqual(['seed.csv', 'upload_a.csv']);
  });

  it('validates sync requests: unknown source 404, bad dates and types 400, a second sync 409', async () => {
    const sync = (json: unknown, source = SOURCE) => env.api(`/api/sources/${source}/sync`, { method: 'POST', json });
    expectDetail(await sync({}, 'no_such_source'), 404, 'no_such_source');
    expectDetail(await sync({ start_date: '2024-13-45' }), 400);
    expectDetail(await sync({ start_date: '2024-02-01', end_date: '2024-01-01' }), 400);
    expectDetail(await sync({ full_refresh: 'yes' }), 400);

    const ws = await recordWs(env.wsUrl('/ws'));
    const queue = holdWriteQueue(env);
    try {
      const first = await env.api(`/api/sources/${SOURCE}/sync`, { method: 'POST' });
      expect(first.status).toBe(200);
      expectDetail(await sync({ full_refresh: true }), 409, SOURCE);
    } finally {
      await queue.release();
    }
    await ws.next((m) => (m.type === 'sync_completed' || m.type === 'sync_failed') && m.source === SOURCE);
    await ws.close();
  });

  it('lists CSV files and deletes one inside the source folder only', async () => {
    const listing = await env.api(`/api/sources/${SOURCE}/csv-files`);
    expect(listing.status).toBe(200);
    expect(listing.json).toMatchObject({ source_name: SOURCE, file_pattern: '*.csv', total_files: 2, files_on_disk: 2, files_loaded: 2 });
    expect(listing.json.files.map((f: { filename: string }) => f.filename).sort()).toEqual(['seed.csv', 'upload_a.csv']);
    expect(listing.json.files.every((f: { status: string }) => f.status === 'success')).toBe(true);

    const del = (filePath?: string) =>
      env.api(`/api/sources/${SOURCE}/csv-files${filePath === undefined ? '' : `?file_path=${encodeURIComponent(filePath)}`}`, { method: 'DELETE' });
    expectDetail(await del('../../../.dango/project.yml'), 403);
    expect(fs.existsSync(`${env.fixture.dir}/.dango/project.yml`)).toBe(true);
    expectDetail(await del('absent.csv'), 404);
    expectDetail(await del(), 400);

    const ws = await recordWs(env.wsUrl('/ws'));
    try {
      const ok = await del('upload_a.csv');
      expect(ok.status).toBe(200);
      expect(ok.json).toMatchObject({ success: true, source_name: SOURCE, background_sync: true });
      await ws.next((m) => m.type === 'csv_deleted' && m.file === 'upload_a.csv');
      await ws.next((m) => m.type === 'sync_completed' && m.source === SOURCE);
    } finally {
      await ws.close();
    }
    expect(fs.existsSync(`${env.fixture.salesDir}/upload_a.csv`)).toBe(false);
    const sources = await env.api('/api/sources');
    expect(sources.json[0].row_count).toBe(SEED_ROWS);
  });

  it('starts a sync from the upload itself with trigger_sync=true, and refuses a bad flag', async () => {
    expectDetail(await upload('upload_b.csv', salesCsv(5, 2000), '?trigger_sync=perhaps'), 400);
    expect(fs.existsSync(`${env.fixture.salesDir}/upload_b.csv`)).toBe(false);
    const ws = await recordWs(env.wsUrl('/ws'));
    try {
      const up = await upload('upload_b.csv', salesCsv(5, 2000), '?trigger_sync=true');
      expect(up.status).toBe(200);
      expect(up.json).toMatchObject({ file_name: 'upload_b.csv', auto_sync: true });
      await ws.next((m) => m.type === 'sync_completed' && m.source === SOURCE);
    } finally {
      await ws.close();
    }
    const sources = await env.api('/api/sources');
    expect(sources.json[0].row_count).toBe(SEED_ROWS + 5);
  });
}
