import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoError } from '../../src/errors';
import { openMultipartFile } from '../../src/node/multipart';

const BOUNDARY = 'dango-test-boundary';

/** One part of a multipart body. */
function part(name: string, value: string, filename?: string): string {
  const disposition = `form-data; name="${name}"${filename === undefined ? '' : `; filename="${filename}"`}`;
  const type = filename === undefined ? '' : 'Content-Type: text/csv\r\n';
  return `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n${value}\r\n`;
}
const END = `--${BOUNDARY}--\r\n`;

interface Outcome {
  status: number;
  body: { detail?: string; filename?: string; bytes?: number; text?: string };
}

let fileStarted: (() => void) | null = null;

/** A server whose only handler runs the multipart reader with a 1000-byte limit and reports what it got. */
const server = http.createServer(async (req, res) => {
  const upload = openMultipartFile(req, 'file', { maxFileBytes: 1000, maxFields: 3 });
  const answer = (status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    upload.dispose();
  };
  try {
    const file = await upload.file;
    fileStarted?.();
    const chunks: Buffer[] = [];
    for await (const chunk of file.data as AsyncIterable<Buffer>) chunks.push(chunk);
    const text = Buffer.concat(chunks).toString('utf8');
    answer(200, { filename: file.filename, bytes: text.length, text: text.length < 200 ? text : undefined });
  } catch (err) {
    answer(err instanceof DangoError ? err.status : 500, { detail: (err as Error).message });
  }
});
let port = 0;

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
});

/** Sends `chunks` one after another (awaiting `between` after the first), then reads the JSON answer. */
function send(chunks: string[], contentType = `multipart/form-data; boundary=${BOUNDARY}`, between?: () => Promise<void>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = http.request({ port, host: '127.0.0.1', method: 'POST', path: '/', headers: { 'content-type': contentType } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    void (async () => {
      for (const [i, chunk] of chunks.entries()) {
        req.write(chunk);
        if (i === 0 && between) await between();
      }
      req.end();
    })();
  });
}

describe('openMultipartFile', () => {
  it('hands the file part over as a stream before the body has finished arriving', async () => {
    const started = new Promise<void>((resolve) => (fileStarted = resolve));
    const head = `${part('note', 'hello')}--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="sub/dir/sales.csv"\r\nContent-Type: text/csv\r\n\r\nid,amount\n1,10\n`;
    // The rest of the body is only sent once the server holds the file stream: it cannot have buffered it.
    const outcome = await send([head, '2,20\n', `\r\n${END}`], undefined, () => started);
    fileStarted = null;
    expect(outcome).toEqual({ status: 200, body: { filename: 'sales.csv', bytes: 20, text: 'id,amount\n1,10\n2,20\n' } });
  });

  it('reads a raw UTF-8 file name as UTF-8, as browsers and curl send it', async () => {
    const outcome = await send([part('file', 'id\n', 'ventes_été_😀.csv'), END]);
    expect(outcome).toEqual({ status: 200, body: { filename: 'ventes_été_😀.csv', bytes: 3, text: 'id\n' } });
  });

  it('errors the file stream with 413 past the size limit', async () => {
    const outcome = await send([part('file', 'x'.repeat(5000), 'big.csv'), END]);
    expect(outcome).toEqual({ status: 413, body: { detail: 'File exceeds the upload limit of 1000 bytes' } });
    const oneOver = await send([part('file', 'x'.repeat(1001), 'big.csv'), END]);
    expect(oneOver.status).toBe(413);
  });

  it('accepts a file of exactly the limit', async () => {
    const outcome = await send([part('file', 'y'.repeat(1000), 'edge.csv'), END]);
    expect(outcome.status).toBe(200);
    expect(outcome.body.bytes).toBe(1000);
  });

  it('refuses a body without the file field with 400', async () => {
    expect(await send([part('other', 'x', 'a.csv'), END])).toEqual({ status: 400, body: { detail: "Missing multipart field 'file'" } });
    expect(await send([END])).toEqual({ status: 400, body: { detail: "Missing multipart field 'file'" } });
  });

  it('refuses a text value in the file field with 400', async () => {
    expect(await send([part('file', 'not a file'), END])).toEqual({ status: 400, body: { detail: "Multipart field 'file' must be a file, not a text value" } });
  });

  it('refuses a body that is not multipart with 415', async () => {
    const outcome = await send(['{"a":1}'], 'application/json');
    expect(outcome.status).toBe(415);
    expect(outcome.body.detail).toMatch(/multipart\/form-data/);
  });

  it('refuses a multipart type without a boundary with 400', async () => {
    const outcome = await send([END], 'multipart/form-data');
    expect(outcome.status).toBe(400);
    expect(outcome.body.detail).toMatch(/^Malformed multipart request/);
  });

  it('refuses too many fields with 413', async () => {
    const fields = ['a', 'b', 'c', 'd', 'e'].map((n) => part(n, 'v')).join('');
    expect(await send([fields, part('file', 'x', 'a.csv'), END])).toEqual({ status: 413, body: { detail: 'Too many parts in the multipart body' } });
  });

  it('reports a body cut off before the file part ended as malformed', async () => {
    const outcome = await send([`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\n\r\nid\n1\n`]);
    expect(outcome.status).toBe(400);
    expect(outcome.body.detail).toMatch(/^Malformed multipart request/);
  });
});
