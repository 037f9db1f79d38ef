import type { IncomingMessage, ServerResponse } from 'node:http';
import { normalizeOrigin } from './origin-check';
import { writeJsonError } from './response-writer';

const ALLOW_METHODS = 'GET, HEAD, POST, PUT, PATCH, DELETE';
/** Headers a preflight allows when the browser does not list any. */
const DEFAULT_ALLOW_HEADERS = 'content-type, authorization';
const PREFLIGHT_MAX_AGE_SECONDS = '600';

/**
 * CORS for the allow-listed browser origins on `/api`, so a page that may call Dango can also read the
 * answers: its requests get `Access-Control-Allow-Origin` (with credentials), and its preflights are
 * answered here, before `authorize`, because browsers send preflights without credentials. A preflight
 * from any other origin gets 403. Returns true when the request was answered (a preflight).
 */
export function handleCors(req: IncomingMessage, res: ServerResponse, allowed: ReadonlySet<string>): boolean {
  const raw = req.headers.origin;
  if (raw === undefined) return false;
  const preflight = req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined;
  const origin = normalizeOrigin(raw);
  if (origin === null || !allowed.has(origin)) {
    if (preflight) writeJsonError(res, 403, `Requests from origin '${raw}' are not allowed`);
    return preflight;
  }
  res.setHeader('access-control-allow-origin', raw);
  res.setHeader('access-control-allow-credentials', 'true');
  res.setHeader('vary', 'Origin');
  if (!preflight) return false;
  res.writeHead(204, {
    'access-control-allow-methods': ALLOW_METHODS,
    'access-control-allow-headers': req.headers['access-control-request-headers'] || DEFAULT_ALLOW_HEADERS,
    'access-control-max-age': PREFLIGHT_MAX_AGE_SECONDS,
  });
  res.end();
  return true;
}
