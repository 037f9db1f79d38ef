import type { IncomingHttpHeaders } from 'node:http';

/** Headers that describe one connection, never the message, so a proxy must not forward them (RFC 9110 7.6.1). */
const HOP_BY_HOP = ['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade'];

/** Removes the hop-by-hop headers, including any the `Connection` header names, from `headers` in place. */
export function stripHopByHop(headers: IncomingHttpHeaders): void {
  const named = headers.connection;
  if (named) {
    for (const token of named.split(',')) {
      const name = token.trim().toLowerCase();
      if (name) delete headers[name];
    }
  }
  for (const name of HOP_BY_HOP) delete headers[name];
}

/** The headers to send upstream for a plain HTTP request; `body` is a re-sent body whose length replaces the original framing. */
export function upstreamHeaders(incoming: IncomingHttpHeaders, body?: Buffer, withhold: readonly string[] = []): IncomingHttpHeaders {
  const headers = { ...incoming };
  stripHopByHop(headers);
  for (const name of withhold) delete headers[name];
  if (body) headers['content-length'] = String(body.length);
  return headers;
}

/** The headers to send upstream for a WebSocket handshake: end-to-end ones plus the upgrade request itself. */
export function upstreamUpgradeHeaders(incoming: IncomingHttpHeaders, withhold: readonly string[] = []): IncomingHttpHeaders {
  const headers = { ...incoming };
  stripHopByHop(headers);
  for (const name of withhold) delete headers[name];
  headers.connection = 'Upgrade';
  headers.upgrade = incoming.upgrade;
  return headers;
}
