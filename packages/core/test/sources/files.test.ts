import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { bumpMtime, createProject, csv, recordEvents, rows, type TestProject } from './helpers';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

const listDir = (dir: string): string[] => fs.readdirSync(dir).sort();

describe('listFiles', () => {
  it('reports success, pending, failed and missing files with absolute paths', async () => {
    project = await createProject();
    const a = project.write('sales', 'a.csv', csv(['id'], [[1], [2]]));
    const gone = project.write('sales', 'gone.csv', csv(['id'], [[3]]));
    project.write('sales', 'notes.txt', 'not a csv');
    const platform = await project.open();
    await platform.sync('sales');
    fs.rmSync(gone);
    project.write('sales', 'new.csv', csv(['id'], [[4]]));
    fs.appendFileSync(a, '5\n');
    bumpMtime(a);
    const listing = await platform.listFiles('sales');
    expect(listing).toMatchObject({ source_name: 'sales', directory: 'data/uploads/sales', file_pattern: '*.csv', total_files: 3, files_on_disk: 2, files_loaded: 2 });
    const byName = Object.fromEntries(listing.files.map((f) => [f.filename, f]));
    expect(byName['a.csv']).toMatchObject({ path: a, on_disk: true, loaded: true, rows_loaded: 2, status: 'pending', size: fs.statSync(a).size });
    expect(byName['a.csv']!.modified).toMatch(/^\d{4}-\d{2}-\d{2}T.*Z$/);
    expect(byName['new.csv']).toMatchObject({ on_disk: true, loaded: false, rows_loaded: 0, status: 'pending' });
    expect(byName['gone.csv']).toMatchObject({ path: gone, on_disk: false, loaded: true, rows_loaded: 1, status: 'missing' });
    await platform.sync('sales');
    const after = await platform.listFiles('sales');
    expect(after.files.map((f) => [f.filename, f.status, f.rows_loaded])).toEqual([['a.csv', 'success', 3], ['new.csv', 'success', 1]]);
  });

  it('rejects unknown sources and non-file sources', async () => {
    project = await createProject({ sales: {}, api: { type: 'rest' } });
    const platform = await project.open();
    await expect(platform.listFiles('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A source whose type no connector handles is a project problem, not a bad request.
    await expect(platform.listFiles('api')).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });
});

describe('uploadFile', () => {
  it('writes a Buffer, a Readable and an async iterable under a safe basename and emits csv_uploaded', async () => {
    project = await createProject();
    const platform = await project.open();
    const events = recordEvents(platform, ['csv_uploaded']);
    const r1 = await platform.uploadFile('sales', { filename: 'a.csv', data: Buffer.from('id\n1\n') });
    expect(r1).toEqual({
      success: true, message: 'CSV uploaded successfully: a.csv', source_name: 'sales', file_path: path.join(project.sourceDir('sales'), 'a.csv'),
      file_name: 'a.csv', auto_sync: false, size: 5,
    });
    await platform.uploadFile('sales', { filename: 'b.csv', data: Readable.from([Buffer.from('id\n'), Buffer.from('2\n')]) });
    async function* gen(): AsyncIterable<Uint8Array> {
      yield new TextEncoder().encode('id\n');
      yield new TextEncoder().encode('3\n');
    }
    await platform.uploadFile('sales', { filename: 'c.csv', data: gen() });
    expect(listDir(project.sourceDir('sales'))).toEqual(['a.csv', 'b.csv', 'c.csv']);
    expect(fs.readFileSync(path.join(project.sourceDir('sales'), 'b.csv'), 'utf8')).toBe('id\n2\n');
    expect(events.map((e) => ('file' in e ? e.file : ''))).toEqual(['a.csv', 'b.csv', 'c.csv']);
  });

  it('reduces traversal names to a basename inside the source directory', async () => {
    project = await createProject();
    const platform = await project.open();
    const outside = path.join(project.dir, 'data', 'evil.csv');
    const r1 = await platform.uploadFile('sales', { filename: '../evil.csv', data: Buffer.from('id\n1\n') });
    const r2 = await platform.uploadFile('sales', { filename: `${os.tmpdir()}/abs.csv`, data: Buffer.from('id\n1\n') });
    const r3 = await platform.uploadFile('sales', { filename: '..\\..\\win.csv', data: Buffer.from('id\n1\n') });
    expect([r1.file_path, r2.file_path, r3.file_path]).toEqual(['evil.csv', 'abs.csv', 'win.csv'].map((f) => path.join(project.sourceDir('sales'), f)));
    expect(fs.existsSync(outside)).toBe(false);
  });

  it('refuses bad names, names outside the pattern, existing files and symlinks out', async () => {
    project = await createProject();
    const platform = await project.open();
    for (const filename of ['', '.hidden.csv', '..', 'dir/']) {
      await expect(platform.uploadFile('sales', { filename, data: Buffer.from('x') })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    await expect(platform.uploadFile('sales', { filename: 'a.txt', data: Buffer.from('x') })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /file pattern '\*\.csv'/ });
    await platform.uploadFile('sales', { filename: 'a.csv', data: Buffer.from('id\n1\n') });
    await expect(platform.uploadFile('sales', { filename: 'a.csv', data: Buffer.from('id\n2\n') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(fs.readFileSync(path.join(project.sourceDir('sales'), 'a.csv'), 'utf8')).toBe('id\n1\n');

    const target = path.join(project.dir, 'outside.csv');
    fs.writeFileSync(target, 'keep');
    fs.symlinkSync(target, path.join(project.sourceDir('sales'), 'link.csv'));
    await expect(platform.uploadFile('sales', { filename: 'link.csv', data: Buffer.from('id\n9\n') })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(fs.readFileSync(target, 'utf8')).toBe('keep');
  });

  it('refuses files above the size limit and leaves no temp file behind', async () => {
    project = await createProject();
    const platform = await project.open({ maxUploadBytes: 10 });
    await expect(platform.uploadFile('sales', { filename: 'big.csv', data: Buffer.alloc(11, 65) })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    const chunks = Readable.from([Buffer.alloc(6, 65), Buffer.alloc(6, 65)]);
    await expect(platform.uploadFile('sales', { filename: 'big.csv', data: chunks })).rejects.toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
    expect(listDir(project.sourceDir('sales'))).toEqual([]);
    await platform.uploadFile('sales', { filename: 'ok.csv', data: Buffer.alloc(10, 65) });
    expect(listDir(project.sourceDir('sales'))).toEqual(['ok.csv']);
  });

  it('leaves no file when the stream aborts half way', async () => {
    project = await createProject();
    const platform = await project.open();
    const stream = new Readable({ read() {} });
    stream.push('id\n1\n');
    const upload = platform.uploadFile('sales', { filename: 'cut.csv', data: stream });
    setImmediate(() => stream.destroy(new Error('client went away')));
    await expect(upload).rejects.toMatchObject({ code: 'BAD_REQUEST', message: /client went away/ });
    expect(listDir(project.sourceDir('sales'))).toEqual([]);
  });

  it('starts a sync with triggerSync and reports auto_sync', async () => {
    project = await createProject();
    const platform = await project.open();
    const completed = new Promise((resolve) => platform.once('sync_completed', resolve));
    const r = await platform.uploadFile('sales', { filename: 'a.csv', data: Buffer.from('id\n1\n2\n') }, { triggerSync: true });
    expect(r.auto_sync).toBe(true);
    await expect(completed).resolves.toMatchObject({ source: 'sales', rows: 2 });
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 2 }]);
  });
});

describe('deleteFile', () => {
  it('deletes by relative or absolute path and removes the rows in a background sync, even the last file', async () => {
    project = await createProject();
    const a = project.write('sales', 'a.csv', csv(['id'], [[1]]));
    project.write('sales', 'b.csv', csv(['id'], [[2]]));
    const platform = await project.open();
    await platform.sync('sales');
    const events = recordEvents(platform, ['csv_deleted', 'sync_completed']);

    let done = new Promise((resolve) => platform.once('sync_completed', resolve));
    const r = await platform.deleteFile('sales', 'b.csv');
    expect(r).toEqual({ success: true, message: 'File deleted: b.csv', file_path: path.join(project.sourceDir('sales'), 'b.csv'), source_name: 'sales', background_sync: true });
    await done;
    expect(await rows(platform, 'SELECT id FROM raw_sales.sales')).toEqual([{ id: 1 }]);

    done = new Promise((resolve) => platform.once('sync_completed', resolve));
    await platform.deleteFile('sales', a);
    await done;
    expect(await rows(platform, 'SELECT count(*)::INT AS n FROM raw_sales.sales')).toEqual([{ n: 0 }]);
    expect(events.map((e) => e.type)).toEqual(['csv_deleted', 'sync_completed', 'csv_deleted', 'sync_completed']);
    expect((await platform.listSources())[0]!.status).toBe('empty');
  });

  it('runs one follow-up sync when a delete or upload arrives during a running sync', async () => {
    project = await createProject();
    const lines = ['id,name', ...Array.from({ length: 100_000 }, (_, i) => `${i + 10},n${i}`)];
    project.write('sales', 'big.csv', lines.join('\n') + '\n');
    project.write('sales', 'small.csv', csv(['id', 'name'], [[1, 'x']]));
    const platform = await project.open();
    // The first sync may see the deleted file vanish mid-way (and fail); the follow-up settles the state.
    const ended: string[] = [];
    const twoDone = new Promise<void>((resolve) =>
      platform.on('event', (e) => {
        if (e.type !== 'sync_completed' && e.type !== 'sync_failed') return;
        ended.push(e.type);
        if (ended.length === 2) resolve();
      }),
    );
    const first = platform.startSync('sales');
    const del = await platform.deleteFile('sales', 'small.csv');
    const up = await platform.uploadFile('sales', { filename: 'late.csv', data: Buffer.from('id,name\n2,y\n') }, { triggerSync: true });
    expect([del.background_sync, up.auto_sync]).toEqual([true, true]);
    await first.done;
    await twoDone;
    expect(await rows(platform, `SELECT _dango_file AS f, count(*)::INT AS n FROM raw_sales.sales JOIN raw_sales._dango_files USING (_dango_file_id) GROUP BY 1 ORDER BY 1`)).toEqual([
      { f: 'big.csv', n: 100_000 },
      { f: 'late.csv', n: 1 },
    ]);
    expect(ended[1]).toBe('sync_completed');
    expect((await platform.getSource('sales')).history).toHaveLength(2);
  });

  it('refuses paths outside the directory (../, absolute elsewhere, symlink out) and unknown files', async () => {
    project = await createProject();
    const platform = await project.open();
    const outside = path.join(project.dir, 'data', 'secret.csv');
    fs.writeFileSync(outside, 'id\n1\n');
    fs.symlinkSync(outside, path.join(project.sourceDir('sales'), 'link.csv'));
    await expect(platform.deleteFile('sales', '../secret.csv')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.deleteFile('sales', outside)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.deleteFile('sales', '/etc/passwd')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.deleteFile('sales', 'link.csv')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.deleteFile('sales', 'sub/../../secret.csv')).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(platform.deleteFile('sales', 'absent.csv')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(platform.deleteFile('sales', '')).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(platform.deleteFile('nope', 'a.csv')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(fs.existsSync(outside)).toBe(true);
    expect(fs.lstatSync(path.join(project.sourceDir('sales'), 'link.csv')).isSymbolicLink()).toBe(true);
  });
});
