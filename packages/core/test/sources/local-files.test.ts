import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { stringify } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { DangoPlatform, initProject } from '../../src';
import { createNodeListener } from '../../src/node/node-listener';
import { bumpMtime, rows } from './helpers';

let dir: string;
let platform: DangoPlatform | null = null;
afterEach(async () => {
  await platform?.close();
  platform = null;
  fs.rmSync(dir, { recursive: true, force: true });
});

const files = (): string => path.join(dir, 'data', 'uploads', 'events');

/** A project with one `local_files` source `events` reading data/uploads/events. */
async function open(options: Record<string, unknown> = {}): Promise<DangoPlatform> {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-local-'));
  await initProject(dir, { name: 'local' });
  fs.mkdirSync(files(), { recursive: true });
  const source = { name: 'events', type: 'local_files', enabled: true, local_files: { directory: 'data/uploads/events', ...options } };
  fs.writeFileSync(path.join(dir, '.dango', 'sources.yml'), stringify({ sources: [source] }));
  platform = await DangoPlatform.open({ projectDir: dir });
  return platform;
}

const write = (name: string, content: string | Buffer): string => {
  const p = path.join(files(), name);
  fs.writeFileSync(p, content);
  return p;
};

const ndjson = (objects: unknown[]): string => objects.map((o) => JSON.stringify(o)).join('\n') + '\n';

/** Writes a Parquet file with DuckDB (the warehouse's own connection, outside any sync). */
async function writeParquet(p: DangoPlatform, name: string, select: string): Promise<void> {
  const target = path.join(files(), name).replace(/'/g, "''");
  await p.warehouse.write((conn) => conn.run(`COPY (${select}) TO '${target}' (FORMAT parquet)`));
}

const EVENTS = [
  { id: 1, kind: 'click', user: { name: 'ann', address: { city: 'Oslo', geo: { lat: 59.9 } } }, tags: ['a', 'b'] },
  { id: 2, kind: 'view', user: { name: 'bob', address: { city: 'Rome', geo: { lat: 41.9 } } }, tags: [] },
];

describe('local_files', () => {
  it('loads NDJSON with nested objects flattened to parent__child up to max_nesting, deeper values and arrays as JSON', async () => {
    const p = await open();
    write('2024-01.jsonl', ndjson(EVENTS));
    const result = await p.sync('events');
    expect(result).toMatchObject({ status: 'success', rows_processed: 2, files: { loaded: ['2024-01.jsonl'] } });
    const cols = await rows<{ name: string; type: string }>(p, "SELECT name, type FROM pragma_table_info('raw_events.events') ORDER BY cid");
    expect(cols.map((c) => `${c.name} ${c.type}`)).toEqual([
      'id BIGINT', 'kind VARCHAR', 'user__name VARCHAR', 'user__address__city VARCHAR', 'user__address__geo JSON', 'tags JSON',
      '_dango_file_id INTEGER', '_dango_loaded_at TIMESTAMP WITH TIME ZONE',
    ]);
    expect(await rows(p, 'SELECT id, user__address__city AS city, user__address__geo::VARCHAR AS geo, tags::VARCHAR AS tags, _dango_file FROM raw_events.events JOIN raw_events._dango_files USING (_dango_file_id) ORDER BY id')).toEqual([
      { id: 1, city: 'Oslo', geo: '{"lat":59.9}', tags: '["a","b"]', _dango_file: '2024-01.jsonl' },
      { id: 2, city: 'Rome', geo: '{"lat":41.9}', tags: '[]', _dango_file: '2024-01.jsonl' },
    ]);
    const staging = fs.readFileSync(path.join(dir, 'dbt', 'models', 'staging', 'stg_events.sql'), 'utf8');
    expect(staging).toContain('user__address__city');
    await p.transform({ select: ['stg_events'] });
    expect(await rows(p, 'SELECT count(*)::INT AS n, min(_dango_file) AS f FROM staging.stg_events')).toEqual([{ n: 2, f: '2024-01.jsonl' }]);
  });

  it('honours max_nesting: 0 (objects stay JSON) and a table name', async () => {
    const p = await open({ max_nesting: 0, table: 'raw_events' });
    write('a.ndjson', ndjson(EVENTS));
    expect((await p.sync('events')).status).toBe('success');
    expect(await rows(p, "SELECT user->>'$.address.city' AS city FROM raw_events.raw_events ORDER BY id")).toEqual([{ city: 'Oslo' }, { city: 'Rome' }]);
  });

  it('reads a JSON array, gzipped NDJSON, Parquet and CSV into one table by extension', async () => {
    const p = await open();
    write('a.json', JSON.stringify([{ id: 1, amount: 1.5, user: { name: 'ann' } }, { id: 2, amount: 2, user: { name: 'bob' } }]));
    write('b.jsonl.gz', gzipSync(ndjson([{ id: 3, amount: 3.25, note: 'zipped' }])));
    await writeParquet(p, 'c.parquet', "SELECT 4::BIGINT AS id, 4.5::DOUBLE AS amount, {'name': 'cy'} AS \"user\"");
    write('d.csv', 'id,amount\n5,5.5\n');
    write('ignored.txt', 'not data');
    const result = await p.sync('events');
    expect(result.status).toBe('success');
    expect(result.files?.loaded).toEqual(['a.json', 'b.jsonl.gz', 'c.parquet', 'd.csv']);
    expect(await rows(p, 'SELECT id::INT AS id, amount, user__name AS name, note FROM raw_events.events ORDER BY id')).toEqual([
      { id: 1, amount: 1.5, name: 'ann', note: null },
      { id: 2, amount: 2, name: 'bob', note: null },
      { id: 3, amount: 3.25, name: null, note: 'zipped' },
      { id: 4, amount: 4.5, name: 'cy', note: null },
      { id: 5, amount: 5.5, name: null, note: null },
    ]);
    const listing = await p.listFiles('events');
    expect(listing.files.map((f) => [f.filename, f.status, f.rows_loaded])).toEqual([
      ['a.json', 'success', 2], ['b.jsonl.gz', 'success', 1], ['c.parquet', 'success', 1], ['d.csv', 'success', 1],
    ]);
  });

  it('loads per file: adds new files, replaces changed ones, removes deleted ones, and refuses to empty the table', async () => {
    const p = await open({ file_pattern: '*.jsonl' });
    const a = write('a.jsonl', ndjson([{ id: 1 }, { id: 2 }]));
    write('b.jsonl', ndjson([{ id: 3 }]));
    await p.sync('events');
    write('c.jsonl', ndjson([{ id: 4, extra: 'new column' }]));
    fs.writeFileSync(a, ndjson([{ id: 10 }]));
    bumpMtime(a);
    const second = await p.sync('events');
    expect(second.files).toEqual({ loaded: ['a.jsonl', 'c.jsonl'], removed: [], unchanged: 1 });
    expect(await rows(p, 'SELECT id::INT AS id, extra FROM raw_events.events ORDER BY id')).toEqual([
      { id: 3, extra: null }, { id: 4, extra: 'new column' }, { id: 10, extra: null },
    ]);
    fs.rmSync(path.join(files(), 'b.jsonl'));
    expect((await p.sync('events')).files).toEqual({ loaded: [], removed: ['b.jsonl'], unchanged: 2 });
    for (const f of ['a.jsonl', 'c.jsonl']) fs.rmSync(path.join(files(), f));
    const emptied = await p.sync('events');
    expect(emptied).toMatchObject({ status: 'failed', error_message: expect.stringMatching(/^Refusing to empty raw_events\.events \(2 rows\)/) });
    expect(await rows(p, 'SELECT count(*)::INT AS n FROM raw_events.events')).toEqual([{ n: 2 }]);
  });

  it('fails a sync on a malformed file naming the file and line, and keeps the table data', async () => {
    const p = await open();
    write('good.jsonl', ndjson([{ id: 1 }, { id: 2 }]));
    await p.sync('events');
    const bad = write('bad.jsonl', '{"id": 3}\n{"id": 4,\n{"id": 5}\n');
    const failed = await p.sync('events');
    expect(failed).toMatchObject({ status: 'failed', error_message: 'bad.jsonl is not valid JSON (line 3): unexpected character' });
    expect(await rows(p, 'SELECT count(*)::INT AS n FROM raw_events.events')).toEqual([{ n: 2 }]);
    const listing = await p.listFiles('events');
    expect(listing.files.find((f) => f.filename === 'bad.jsonl')).toMatchObject({ status: 'failed', error: failed.error_message });

    fs.writeFileSync(bad, 'PAR1 not really parquet');
    fs.renameSync(bad, path.join(files(), 'bad.parquet'));
    const notParquet = await p.sync('events');
    expect(notParquet.error_message).toMatch(/^bad\.parquet is not a valid Parquet file: /);
    expect(notParquet.error_message).not.toContain(dir);
    fs.rmSync(path.join(files(), 'bad.parquet'));
    write('x.parquet.gz', gzipSync('x'));
    expect((await p.sync('events')).error_message).toMatch(/^x\.parquet\.gz: gzipped Parquet files cannot be read/);
    fs.rmSync(path.join(files(), 'x.parquet.gz'));
    write('late.jsonl', ndjson([...Array.from({ length: 21_000 }, (_, i) => ({ id: i })), { id: 'abc' }]));
    expect((await p.sync('events')).error_message).toBe(
      "late.jsonl has a value that does not fit its column's type (line 21001): Failed to cast value to numerical: \"abc\"; the type was inferred from the file's first 20,480 objects",
    );
    fs.rmSync(path.join(files(), 'late.jsonl'));
    write('empty.json', '[]');
    write('blank.jsonl', '');
    expect(await p.sync('events')).toMatchObject({ status: 'success', rows_processed: 0 });
    expect(await rows(p, 'SELECT count(*)::INT AS n FROM raw_events.events')).toEqual([{ n: 2 }]);
  });

  it('validates its config block at load, naming the key', async () => {
    await expect(open({ format: 'xml' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('sources[0].local_files.format') });
    fs.rmSync(dir, { recursive: true, force: true });
    await expect(open({ max_nesting: 1, nesting: 3 })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('sources[0].local_files.nesting: unknown key (did you mean "max_nesting"?)') });
  });

  it('uploads, lists, checks and deletes files through the HTTP routes', async () => {
    const p = await open({ file_pattern: '*.jsonl' });
    const node = createNodeListener(p, {});
    const server = http.createServer(node.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sources/events`;
    try {
      const upload = async (name: string, body: string): Promise<Response> => {
        const form = new FormData();
        form.append('file', new Blob([body]), name);
        return fetch(`${base}/upload-csv`, { method: 'POST', body: form });
      };
      const ok = await upload('jan.jsonl', ndjson([{ id: 1 }, { id: 2 }]));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toMatchObject({ success: true, message: 'File uploaded successfully: jan.jsonl', file_name: 'jan.jsonl' });
      const refused = await upload('jan.csv', 'id\n1\n');
      expect(refused.status).toBe(400);
      expect(((await refused.json()) as { detail: string }).detail).toBe("jan.csv does not match the source's file pattern '*.jsonl'");

      const check = await fetch(`${base}/check`, { method: 'POST' });
      expect(await check.json()).toEqual({ source: 'events', type: 'local_files', ok: true, tables: [{ name: 'events', files: ['jan.jsonl'] }] });
      await p.sync('events');
      const listing = await (await fetch(`${base}/csv-files`)).json();
      expect(listing).toMatchObject({ file_pattern: '*.jsonl', files: [{ filename: 'jan.jsonl', status: 'success', rows_loaded: 2 }] });

      const completed = new Promise((resolve) => p.once('sync_completed', resolve));
      const deleted = await fetch(`${base}/csv-files?file_path=jan.jsonl`, { method: 'DELETE' });
      expect(await deleted.json()).toMatchObject({ success: true, message: 'File deleted: jan.jsonl', background_sync: true });
      await completed;
      expect(await rows(p, 'SELECT count(*)::INT AS n FROM raw_events.events')).toEqual([{ n: 0 }]);
      expect((await fetch(`${base}/csv-files?file_path=../../../.dango/sources.yml`, { method: 'DELETE' })).status).toBe(403);
    } finally {
      await node.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    }
  });
});
