import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, mkdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DangoError, errorMessage, isDangoError } from '../errors';
import { patternMatcher, type FileSourceSpec } from './file-source';
import { safeBasename } from './file-paths';
import type { UploadInput } from './types';

/** A file that landed in a source directory. */
export interface SavedUpload {
  name: string;
  path: string;
  size: number;
}

function tooLarge(name: string, maxBytes: number): DangoError {
  return new DangoError('PAYLOAD_TOO_LARGE', `${name} is larger than the upload limit of ${maxBytes} bytes`);
}

function exists(name: string): DangoError {
  return new DangoError('CONFLICT', `A file named ${name} already exists in the source directory; delete it first`);
}

async function pathExists(p: string): Promise<boolean> {
  return stat(p).then(() => true, () => false);
}

function chunksOf(data: UploadInput['data']): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
  if (data instanceof Uint8Array) return [data];
  if (data && typeof (data as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') return data as AsyncIterable<Uint8Array>;
  throw new DangoError('BAD_REQUEST', 'Upload data must be a Buffer, a readable stream or an async iterable of bytes');
}

/** Moves the finished temp file to its name without ever replacing an existing file. */
async function publish(temp: string, target: string, name: string): Promise<void> {
  try {
    await link(temp, target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw exists(name);
    // Filesystems without hard links: check, then rename (a tiny race instead of no upload at all).
    if (await pathExists(target)) throw exists(name);
    await rename(temp, target);
    return;
  }
  await unlink(temp);
}

/**
 * Streams an upload into the source directory: to a temp dot-file (which watchers ignore), then
 * published under its safe basename, so a half-written or aborted upload never appears as a file.
 */
export async function saveUpload(spec: FileSourceSpec, input: UploadInput, maxBytes: number): Promise<SavedUpload> {
  // A stream can fail while we check names and folders: listen at once so that error is ours to report.
  let streamError: unknown = null;
  const emitter = input?.data as { once?: (event: string, fn: (err: unknown) => void) => void } | undefined;
  emitter?.once?.('error', (err) => {
    streamError ??= err;
  });
  const name = safeBasename(input?.filename);
  if (!patternMatcher(spec.pattern)(name)) {
    throw new DangoError('BAD_REQUEST', `${name} does not match the source's file pattern '${spec.pattern}'`);
  }
  const target = path.join(spec.directory, name);
  if (await pathExists(target)) throw exists(name);
  if (input.data instanceof Uint8Array && input.data.byteLength > maxBytes) throw tooLarge(name, maxBytes);
  const source = chunksOf(input.data);
  await mkdir(spec.directory, { recursive: true });

  const temp = path.join(spec.directory, `.${name}.${randomUUID()}.uploading`);
  let size = 0;
  const counter = new Transform({
    transform(chunk: Buffer, _enc, callback) {
      size += chunk.length;
      if (size > maxBytes) callback(tooLarge(name, maxBytes));
      else callback(null, chunk);
    },
  });
  const out = createWriteStream(temp, { flags: 'wx' });
  try {
    await pipeline(source, counter, out);
    await publish(temp, target, name);
  } catch (err) {
    // The file is created by an asynchronous open: wait until the stream has closed, or the unlink could run first.
    if (!out.closed) await once(out, 'close').catch(() => undefined);
    await unlink(temp).catch(() => undefined);
    if (isDangoError(err)) throw err;
    const cause = streamError ?? err;
    throw new DangoError('BAD_REQUEST', `Upload of ${name} failed: ${errorMessage(cause)}`, { cause });
  }
  return { name, path: target, size };
}
