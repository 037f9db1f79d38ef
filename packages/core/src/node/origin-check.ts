import type { IncomingHttpHeaders } from 'node:http';

/** Normalises origins so `HTTP://Example.com:80/` and `http://example.com` compare equal. */
export function normalizeOrigin(origin: string): string | null {
  try {
    const url = new URL(origin);
    return url.origin === 'null' ? null : url.origin;
  } catch {
    return null;
  }
}

/**
 * True when a browser sent the request from another site: an `Origin` header that is neither this
 * host nor allow-listed. Requests without `Origin` (curl, servers, same-origin GETs) are not foreign.
 */
export function isForeignOrigin(headers: IncomingHttpHeaders, allowed: ReadonlySet<string>): boolean {
  const raw = headers.origin;
  if (raw === undefined) return false;
  const origin = normalizeOrigin(raw);
  if (origin === null) return true;
  if (allowed.has(origin)) return false;
  const host = headers.host;
  if (!host) return true;
  try {
    // Parse the Host with the Origin's scheme so default ports compare equal.
    const parsed = new URL(origin);
    return new URL(`${parsed.protocol}//${host}`).host !== parsed.host;
  } catch {
    return true;
  }
}
