import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DangoEventMap } from '../../src';
import { getJson, startServer, type TestServer } from './helpers';

const CSV = 'id,region,amount\n1,north,10.5\n2,south,20\n3,east,7.25\n';

/** Polls `check` until true, failing after a deadline; for states no event reports (a file appearing). */
async function pollUntil(check: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function form(content: string | Uint8Array, filename: string, field = 'file'): FormData {
  const body = new FormData();
  body.append(field, new Blob([content], { type: 'text/csv' }), filename);
  return body;
}

describe('CSV upload through the node listener', () => {
  let s: TestServer;
  let uploads: string;
  beforeAll(async () => {
    s = await startServer({}, { maxUploadBytes: 64 * 1024 });
    uploads = path.join(s.dir, 'data/uploads/sales');
  });
  afterAll(async () => {
    await s.close();
  });

  it('streams a real CSV to disk, then a sync loads it and reports on the platform events', async () => {
    const r = await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body: form(CSV, 'sales_2024.csv') });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      success: true,
      message: 'CSV uploaded successfully: sales_2024.csv',
      source_name: 'sales',
      file_name: 'sales_2024.csv',
      auto_sync: false,
    });
    expect(fs.readFileSync(path.join(uploads, 'sales_2024.csv'), 'utf8')).toBe(CSV);

    const completed = new Promise<DangoEventMap['sync_completed']>((resolve) => s.platform.once('sync_completed', resolve));
    const sync = await getJson(`${s.url}/api/sources/sales/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"full_refresh": false}' });
    expect(sync.status).toBe(200);
    expect(sync.body).toEqual({ success: true, message: 'Sync started for sales', source_name: 'sales', started_at: expect.stringMatching(/Z$/) });
    expect((await completed).rows).toBe(3);
    const rows = await s.platform.warehouse.query<{ n: bigint | number }>('SELECT count(*) AS n FROM raw_sales.sales');
    expect(Number(rows[0]!.n)).toBe(3);

    const files = await getJson(`${s.url}/api/sources/sales/csv-files`);
    expect(files.body).toMatchObject({ source_name: 'sales', total_files: 1, files_loaded: 1 });
    expect(files.body.files[0]).toMatchObject({ filename: 'sales_2024.csv', status: 'success', rows_loaded: 3 });
  });

  it('answers 409 for a file that already exists, keeping the original', async () => {
    const r = await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body: form('id\n9\n', 'sales_2024.csv') });
    expect(r.status).toBe(409);
    expect(fs.readFileSync(path.join(uploads, 'sales_2024.csv'), 'utf8')).toBe(CSV);
  });

  it('answers 413 above the upload limit and leaves no file behind', async () => {
    const big = Buffer.alloc(200 * 1024, 'a,b\n');
    const r = await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body: form(big, 'big.csv') });
    expect(r.status).toBe(413);
    expect(r.body.detail).toMatch(/limit/);
    expect(fs.readdirSync(uploads).sort()).toEqual(['sales_2024.csv']);
  });

  it('answers 400 without a file field, 415 for a non-multipart body, 404 for an unknown source', async () => {
    expect(await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body: form(CSV, 'x.csv', 'upload') })).toMatchObject({
      status: 400,
      body: { detail: "Missing multipart field 'file'" },
    });
    const json = await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(json.status).toBe(415);
    expect((await getJson(`${s.url}/api/sources/nope/upload-csv`, { method: 'POST', body: form(CSV, 'a.csv') })).status).toBe(404);
    expect((await getJson(`${s.url}/api/sources/sales/upload-csv?trigger_sync=maybe`, { method: 'POST', body: form(CSV, 'a.csv') })).status).toBe(400);
  });

  it('answers 400 to two file parts in one upload and keeps neither (the answer names one file)', async () => {
    const body = form(CSV, 'first.csv');
    body.append('file', new Blob(['id\n2\n'], { type: 'text/csv' }), 'second.csv');
    const r = await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body });
    expect(r.status).toBe(400);
    expect(r.body.detail).toBe("Send one file per upload: the form has more than one 'file' part");
    expect(fs.readdirSync(uploads).sort()).toEqual(['sales_2024.csv']);
    // A form with one file and another, differently named field still uploads.
    const ok = form(CSV, 'third.csv');
    ok.append('note', 'hello');
    expect((await getJson(`${s.url}/api/sources/sales/upload-csv`, { method: 'POST', body: ok })).status).toBe(200);
    fs.rmSync(path.join(uploads, 'third.csv'));
  });

  it('writes the upload to disk while the request is still arriving (never buffered whole)', async () => {
    const boundary = 'stream-proof';
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="streamed.csv"\r\nContent-Type: text/csv\r\n\r\n`;
    const firstRows = `id,region,amount\n${'1,north,10\n'.repeat(2000)}`;
    const { port } = new URL(s.url);
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/api/sources/sales/upload-csv?trigger_sync=1', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.write(head + firstRows);
      // The rest is sent only once the first rows are on disk in the temp file.
      const temp = () => fs.readdirSync(uploads).find((f) => f.startsWith('.streamed.csv.') && fs.statSync(path.join(uploads, f)).size >= firstRows.length);
      pollUntil(() => temp() !== undefined, 'the temp file to hold the first rows').then(
        () => req.end(`2,south,20\r\n--${boundary}--\r\n`),
        reject,
      );
    });
    const completed = new Promise<DangoEventMap['sync_completed']>((resolve) => s.platform.once('sync_completed', resolve));
    const r = await answer;
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ file_name: 'streamed.csv', auto_sync: true });
    expect(fs.readFileSync(path.join(uploads, 'streamed.csv'), 'utf8')).toBe(`${firstRows}2,south,20`);
    expect((await completed).source).toBe('sales');
  });

  it('deletes a file with DELETE ?file_path= and refuses paths outside the source directory', async () => {
    const outside = await getJson(`${s.url}/api/sources/sales/csv-files?file_path=${encodeURIComponent('../../../.dango/project.yml')}`, { method: 'DELETE' });
    expect(outside.status).toBe(403);
    expect((await getJson(`${s.url}/api/sources/sales/csv-files`, { method: 'DELETE' })).body.detail).toBe("Invalid query parameter 'file_path': is required");
    expect((await getJson(`${s.url}/api/sources/sales/csv-files?file_path=`, { method: 'DELETE' })).body).toEqual({ detail: "Invalid query parameter 'file_path': must not be empty" });
    const completed = new Promise<DangoEventMap['sync_completed']>((resolve) => s.platform.once('sync_completed', resolve));
    const r = await getJson(`${s.url}/api/sources/sales/csv-files?file_path=sales_2024.csv`, { method: 'DELETE' });
    expect(r).toMatchObject({ status: 200, body: { success: true, source_name: 'sales', background_sync: true } });
    expect(fs.existsSync(path.join(uploads, 'sales_2024.csv'))).toBe(false);
    await completed;
    expect((await getJson(`${s.url}/api/sources/sales/csv-files?file_path=sales_2024.csv`, { method: 'DELETE' })).status).toBe(404);
  });
});
