import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const digest = (value: string): Buffer => createHash('sha256').update(value).digest();

/**
 * An `authorize` hook that accepts `Authorization: Bearer <token>` (the standalone server's
 * `DANGO_API_TOKEN`). Hashing first makes the comparison constant-time whatever the lengths.
 */
export function bearerTokenAuthorizer(token: string): (req: IncomingMessage) => boolean {
  if (!token) throw new TypeError('bearerTokenAuthorizer needs a non-empty token');
  const expected = digest(token);
  return (req) => {
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(.+)$/i.exec(header.trim()) : null;
    return match !== null && timingSafeEqual(digest(match[1]!), expected);
  };
}
