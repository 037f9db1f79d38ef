import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** The request fields the bearer check reads (a Node request or core's own request shape). */
export interface HasHeaders {
  headers: Record<string, string | string[] | undefined>;
}

/** True for hosts only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** An `authorize` hook that accepts only `Authorization: Bearer <token>`, compared in constant time. */
export function bearerAuthorizer(token: string): (req: HasHeaders) => boolean {
  // Comparing fixed-length digests keeps the time independent of where (and whether) the strings differ.
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    const value = Array.isArray(header) ? header[0] : header;
    const m = value ? /^Bearer\s+(.+)$/i.exec(value.trim()) : null;
    return m !== null && timingSafeEqual(digest(m[1]!), expected);
  };
}
