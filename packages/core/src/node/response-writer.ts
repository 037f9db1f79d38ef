import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { DangoResponse, FileResponse } from '../http/types';

const JSON_TYPE = 'application/json';

/** Writes `{"detail"}` with a status, for the few answers made outside the API handler. */
export function writeJsonError(res: ServerResponse, status: number, detail: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ detail });
  res.writeHead(status, { ...headers, 'content-type': JSON_TYPE, 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

/** `headers` is a fresh object built for this answer, so the length is added in place. */
function send(req: IncomingMessage, res: ServerResponse, status: number, headers: Record<string, string>, body: string | Uint8Array): void {
  headers['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength);
  res.writeHead(status, headers);
  // HEAD answers carry the length of the GET body but no bytes.
  res.end(req.method === 'HEAD' ? undefined : body);
}

/**
 * Writes one of core's responses: JSON, bytes, or a file streamed from disk. In-memory answers are
 * written at once (no promise); only a file returns one, settled when it is streamed.
 */
export function writeResponse(req: IncomingMessage, res: ServerResponse, response: DangoResponse): void | Promise<void> {
  if (response.kind === 'json') {
    send(req, res, response.status, { ...response.headers, 'content-type': JSON_TYPE }, response.text ?? JSON.stringify(response.value));
    return;
  }
  if (response.kind === 'bytes') {
    send(req, res, response.status, { ...response.headers }, response.body);
    return;
  }
  return writeFile(req, res, response);
}

async function writeFile(req: IncomingMessage, res: ServerResponse, response: FileResponse): Promise<void> {
  let size: number;
  try {
    const info = await stat(response.path);
    if (!info.isFile()) throw new Error('not a file');
    size = info.size;
  } catch {
    writeJsonError(res, 404, 'File not found');
    return;
  }
  res.writeHead(response.status, { ...response.headers, 'content-length': String(size) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(createReadStream(response.path), res);
  } catch {
    // The client went away mid-file, or the file vanished: the connection is already cut.
    res.destroy();
  }
}
