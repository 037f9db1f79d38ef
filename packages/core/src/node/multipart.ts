import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import busboy from 'busboy';
import { DangoError } from '../errors';
import type { UploadInput } from '../sources/types';

/** Limits of one multipart upload. */
export interface MultipartLimits {
  /** Largest file in bytes (the platform's `maxUploadBytes`). */
  maxFileBytes: number;
  /** Most parts (files and fields) in one body. */
  maxParts?: number;
  /** Most plain fields. */
  maxFields?: number;
  /** Largest plain field value in bytes. */
  maxFieldBytes?: number;
}

/** An upload being parsed: the file part, and `dispose()` to stop parsing once the answer is out. */
export interface MultipartUpload {
  file: Promise<UploadInput>;
  dispose(): void;
}

const MULTIPART_OVERHEAD_BYTES = 1024 * 1024;

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${bytes} bytes`;
}

/**
 * Parses a multipart body with busboy and hands over the part named `field` as a stream as soon as
 * it starts, so the file flows to disk with back-pressure and is never held in memory. Exceeding the
 * size limit errors that stream with PAYLOAD_TOO_LARGE, so the consumer discards its partial file.
 */
export function openMultipartFile(req: IncomingMessage, field: string, limits: MultipartLimits): MultipartUpload {
  const noop = (): void => {};
  const type = String(req.headers['content-type'] ?? '');
  if (!/^multipart\/form-data/i.test(type)) {
    return { file: Promise.reject(new DangoError('UNSUPPORTED_MEDIA_TYPE', `Expected a multipart/form-data body with a '${field}' file field`)), dispose: noop };
  }
  if (req.readableDidRead || req.readableEnded) {
    return { file: Promise.reject(new DangoError('BAD_REQUEST', 'The upload body was already consumed by another handler')), dispose: noop };
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > limits.maxFileBytes + MULTIPART_OVERHEAD_BYTES) {
    return { file: Promise.reject(new DangoError('PAYLOAD_TOO_LARGE', `Upload exceeds the limit of ${formatBytes(limits.maxFileBytes)}`)), dispose: noop };
  }
  let parser: busboy.Busboy;
  try {
    parser = busboy({
      headers: req.headers,
      // Browsers and curl send file names as raw UTF-8 (RFC 7578); busboy's default would read them as latin1.
      defParamCharset: 'utf8',
      limits: {
        // busboy reports 'limit' on reaching fileSize, so one byte more means "over the limit".
        fileSize: limits.maxFileBytes + 1,
        // No file-count limit: a second file part must be seen to be refused (parts still bounds the total).
        parts: limits.maxParts ?? 20,
        fields: limits.maxFields ?? 10,
        fieldSize: limits.maxFieldBytes ?? 64 * 1024,
      },
    });
  } catch (err) {
    return { file: Promise.reject(new DangoError('BAD_REQUEST', `Malformed multipart request: ${(err as Error).message}`)), dispose: noop };
  }

  let part: PassThrough | null = null;
  let sawTextField = false;
  let fileEnded = false;
  let bodyDone = false;
  let settle: { resolve(file: UploadInput): void; reject(err: DangoError): void } | null = null;
  const file = new Promise<UploadInput>((resolve, reject) => {
    settle = { resolve, reject };
  });
  const fail = (err: DangoError): void => {
    if (settle) {
      settle.reject(err);
      settle = null;
    }
    if (part && !part.writableFinished) part.destroy(err);
  };

  parser.on('file', (name, stream, info) => {
    if (name === field && part) {
      // The answer names one file; saving the first and dropping this one would lose data silently.
      stream.resume();
      fail(new DangoError('BAD_REQUEST', `Send one file per upload: the form has more than one '${field}' part`));
      return;
    }
    if (name !== field || !settle) {
      stream.resume();
      return;
    }
    const out = new PassThrough();
    // The consumer sees errors through its own listeners; this one keeps an error after it stopped reading from crashing the process.
    out.on('error', () => {});
    part = out;
    stream.on('limit', () => fail(new DangoError('PAYLOAD_TOO_LARGE', `File exceeds the upload limit of ${formatBytes(limits.maxFileBytes)}`)));
    stream.on('error', (err: Error) => fail(new DangoError('BAD_REQUEST', `Malformed multipart request: ${err.message}`)));
    // Ended only once the whole body is parsed: a second file part must still be able to fail the upload before it is kept.
    stream.pipe(out, { end: false });
    stream.on('end', () => {
      fileEnded = true;
      if (bodyDone) out.end();
    });
    settle.resolve({ filename: info.filename ?? '', data: out });
    settle = null;
  });
  parser.on('field', (name) => {
    if (name === field) sawTextField = true;
  });
  const tooMany = (): void => fail(new DangoError('PAYLOAD_TOO_LARGE', 'Too many parts in the multipart body'));
  parser.on('partsLimit', tooMany);
  parser.on('fieldsLimit', tooMany);
  parser.on('error', (err: Error) => fail(new DangoError('BAD_REQUEST', `Malformed multipart request: ${err.message}`)));
  parser.on('close', () => {
    bodyDone = true;
    if (part && fileEnded && !part.destroyed) part.end();
    if (!settle) return;
    fail(
      new DangoError('BAD_REQUEST', sawTextField ? `Multipart field '${field}' must be a file, not a text value` : `Missing multipart field '${field}'`),
    );
  });
  const onAbort = (): void => {
    if (!req.complete) fail(new DangoError('BAD_REQUEST', 'The upload was aborted by the client'));
  };
  req.on('close', onAbort);
  req.on('error', onAbort);
  req.pipe(parser);

  return {
    file,
    dispose() {
      req.off('close', onAbort);
      req.off('error', onAbort);
      req.unpipe(parser);
      parser.removeAllListeners('file');
      if (part && !part.writableFinished) part.destroy();
      // Whatever the client still sends is read and dropped, so the answer reaches it on a healthy socket.
      if (!req.complete) req.resume();
    },
  };
}
