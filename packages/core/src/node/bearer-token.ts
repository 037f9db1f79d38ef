import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The cookie a browser keeps the token in after a `?token=` login (a page cannot send a bearer header). */
export const TOKEN_COOKIE = 'dango_token';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/** The value of one cookie of the request, or null. */
function cookieValue(req: IncomingMessage, name: string): string | null {
  const header = req.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null;
      }
    }
  }
  return null;
}

/**
 * An `authorize` hook that accepts `Authorization: Bearer <token>` (the standalone server's
 * `DANGO_API_TOKEN`), or the token cookie a browser got from `tokenLogin`. Hashing first makes the
 * comparison constant-time whatever the lengths.
 */
export function bearerTokenAuthorizer(token: string): (req: IncomingMessage) => boolean {
  if (!token) throw new TypeError('bearerTokenAuthorizer needs a non-empty token');
  const expected = digest(token);
  const matches = (candidate: string | null | undefined): boolean => typeof candidate === 'string' && candidate !== '' && timingSafeEqual(digest(candidate), expected);
  return (req) => {
    const header = req.headers.authorization;
    const bearer = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim())?.[1] : undefined;
    return matches(bearer) || matches(cookieValue(req, TOKEN_COOKIE));
  };
}

/**
 * Jupyter-style browser login: a GET whose query holds the right `token` is answered with a redirect
 * to the same URL without it, setting the token cookie (HttpOnly, SameSite=Strict, so other sites
 * cannot use it). Returns true when it answered; a wrong token is left to `authorize` (401).
 */
export function tokenLogin(req: IncomingMessage, res: ServerResponse, token: string): boolean {
  if (req.method !== 'GET' || !req.url?.includes('token=')) return false;
  const url = new URL(req.url, 'http://localhost');
  const given = url.searchParams.get('token');
  if (given === null || !timingSafeEqual(digest(given), digest(token))) return false;
  url.searchParams.delete('token');
  const secure = (req.socket as { encrypted?: boolean }).encrypted === true ? '; Secure' : '';
  res.writeHead(303, {
    // Only path and query, with one leading slash: `//host` would send the browser to another site.
    location: `/${url.pathname.replace(/^[/\\]+/, '')}${url.search}`,
    'set-cookie': `${TOKEN_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Strict${secure}`,
    'cache-control': 'no-store',
  });
  res.end();
  return true;
}
