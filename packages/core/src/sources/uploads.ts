import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { link, mkdir, readdir, rename, stat, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DangoError, errorMessage, isDangoError } from '../errors';
import type { PlatformContext } from '../context';
import { fileSourceSpec, patternMatcher, type FileSourceSpec } from './file-source';
import { safeBasename } from './file-paths';
import type { UploadInput } from './types';

/** The temp name an upload is written under; `STALE_UPLOAD` recognises exactly these names. */
function tempUploadName(name: string): string {
  return `.${name}.${randomUUID()}.uploading`;
}

/** `.<name>.<uuid>.uploading`: only names `saveUpload` makes, so a user's own dot-files are never touched. */
const STALE_UPLOAD = /^\..+\.[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.uploading$/;

/**
 * Removes the temp files of uploads a crashed process (`kill -9`) left in file-source directories.
 * Called at open, once this process holds the warehouse: no other process can be uploading then.
 */
export async function removeStaleUploads(ctx: PlatformContext): Promise<void> {
  for (const source of ctx.config.sources) {
    let spec: FileSourceSpec;
    try {
      spec = fileSourceSpec(source, ctx.root);
    } catch {
      continue; // not a file source
    }
    const names = await readdir(spec.directory).catch(() => [] as string[]);
    const removed: string[] = [];
    for (const name of names.filter((n) => STALE_UPLOAD.test(n))) {
      if (await unlink(path.join(spec.directory, name)).then(() => true, () => false)) removed.push(name);
    }
    if (removed.length === 0) continue;
    const files = removed.length === 1 ? 'upload' : 'uploads';
    ctx.emit('log', { level: 'INFO', source: source.name, message: `Removed ${removed.length} unfinished ${files} left by an interrupted process in ${spec.configuredDirectory}: ${removed.join(', ')}` });
  }
}

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

  const temp = path.join(spec.directory, tempUploadName(name));
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
