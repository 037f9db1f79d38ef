import type { IncomingMessage } from 'node:http';
import { DangoError } from '../errors';

function tooLarge(maxBytes: number): DangoError {
  return new DangoError('PAYLOAD_TOO_LARGE', `JSON body exceeds the limit of ${maxBytes} bytes`);
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new DangoError('BAD_REQUEST', 'Request body is not valid JSON');
  }
}

/**
 * Reads a request's JSON body (undefined when it has none). A body the host already parsed wins, so
 * Dango works behind `express.json()` or Fastify's parser; otherwise the stream is read up to `maxBytes`.
 */
export async function readJsonBody(req: IncomingMessage, parsedBody: unknown, maxBytes: number): Promise<unknown> {
  if (parsedBody !== undefined) {
    if (typeof parsedBody === 'string' || parsedBody instanceof Uint8Array) {
      const text = typeof parsedBody === 'string' ? parsedBody : Buffer.from(parsedBody).toString('utf8');
      if (Buffer.byteLength(text) > maxBytes) throw tooLarge(maxBytes);
      return parseJson(text);
    }
    return parsedBody;
  }
  // A host parser that consumed the stream without handing over its result leaves nothing to read.
  if (req.readableDidRead || req.readableEnded) return undefined;
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const text = await readLimited(req, maxBytes);
  return parseJson(text);
}

/** Reads the stream with listeners, not async iteration: an early exit must not destroy the socket the 413 goes out on. */
function readLimited(req: IncomingMessage, maxBytes: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      cleanup();
      // The rest is drained by the mount after the answer is written.
      req.pause();
      reject(tooLarge(maxBytes));
    };
    const onEnd = (): void => {
      cleanup();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (err: Error): void => {
      cleanup();
      reject(new DangoError('BAD_REQUEST', `The request body could not be read: ${err.message}`));
    };
    const onClose = (): void => {
      if (req.readableEnded) return;
      cleanup();
      reject(new DangoError('BAD_REQUEST', 'The client closed the connection before sending the whole body'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/** The bytes to re-send upstream when the host's parser already consumed the body (for the proxy). */
export function bodyForResend(req: IncomingMessage, parsedBody: unknown): Buffer | undefined {
  if (parsedBody === undefined || !(req.readableDidRead || req.readableEnded)) return undefined;
  // Some parsers leave `{}` on body-less requests; a GET must not grow a body on its way upstream.
  const declared = req.headers['content-length'];
  if (req.headers['transfer-encoding'] === undefined && (declared === undefined || declared === '0')) return undefined;
  if (parsedBody instanceof Uint8Array) return Buffer.from(parsedBody);
  if (typeof parsedBody === 'string') return Buffer.from(parsedBody);
  const type = String(req.headers['content-type'] ?? '');
  if (/application\/x-www-form-urlencoded/i.test(type) && parsedBody && typeof parsedBody === 'object') {
    return Buffer.from(new URLSearchParams(parsedBody as Record<string, string>).toString());
  }
  return Buffer.from(JSON.stringify(parsedBody));
}
