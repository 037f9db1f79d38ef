import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';
import { DangoError } from '../errors';

/** Which `Host` names a mount answers: a list (added to the loopback names and the bound address), or `true` for any. */
export type AllowedHosts = readonly string[] | true;

/** The hostname of a `Host` header (`name:port`, `[v6]:port`), lower-cased, without a trailing dot; null when malformed. */
export function hostnameOf(host: string): string | null {
  const h = host.trim().toLowerCase();
  if (isIP(h) === 6) return h;
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.replace(/:\d*$/, '');
  if (!name || h.startsWith('[') !== h.includes(']') || /[\s/@\\]/.test(name)) return null;
  return name.replace(/\.$/, '');
}

/** True for hostnames only this machine can reach: `localhost`, `*.localhost`, 127.0.0.0/8 and ::1 (also IPv4-mapped). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost') || h === '::1') return true;
  if (h.startsWith('::ffff:')) return isLoopbackHost(h.slice(7));
  return isIP(h) === 4 && h.startsWith('127.');
}

/** Reads `Host` from the raw header list: building `req.headers` costs measurable time on the hot path. */
function rawHost(req: IncomingMessage): string | undefined {
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') return raw[i + 1];
  }
  return undefined;
}

/** Turns allow-list entries (`example.com`, `.example.com` for it and its subdomains, `host:port`, URLs) into hostnames. */
function normalizeEntry(entry: string): string | null {
  const trimmed = entry.trim().toLowerCase();
  if (trimmed.startsWith('.')) return trimmed.length > 1 ? trimmed.replace(/\.$/, '') : null;
  if (/^[a-z][a-z0-9+.-]*:\/\//.test(trimmed)) {
    try {
      return hostnameOf(new URL(trimmed).host);
    } catch {
      return null;
    }
  }
  return hostnameOf(trimmed);
}

/**
 * Guards against DNS rebinding: a page on `evil.example` whose name later resolves to this machine sends
 * `Host: evil.example`, and its Origin matches that Host, so only the Host itself tells it apart. Returns
 * the check for one mount: null when `req` may proceed, else the 403 to answer. Loopback names and IPs and
 * the address the connection arrived at always pass, as in Vite and webpack-dev-server; a request without
 * `Host` passes too, since every browser sends one.
 */
export function createHostCheck(allowedHosts: AllowedHosts | undefined, extra: readonly string[] = []): (req: IncomingMessage) => DangoError | null {
  if (allowedHosts === true) return () => null;
  const exact = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of [...(allowedHosts ?? []), ...extra]) {
    const name = normalizeEntry(entry);
    if (name === null) continue;
    if (name.startsWith('.')) {
      suffixes.push(name);
      exact.add(name.slice(1));
    } else exact.add(name);
  }
  // The last accepted Host: nearly every request repeats it, and then nothing is parsed.
  let lastAllowed: string | undefined;
  const listed = (name: string): boolean => isLoopbackHost(name) || exact.has(name) || suffixes.some((s) => name.endsWith(s));
  return (req) => {
    const host = rawHost(req);
    if (host === undefined || host === lastAllowed) return null;
    const name = hostnameOf(host);
    if (name !== null && listed(name)) {
      lastAllowed = host;
      return null;
    }
    // The address this connection arrived at (a server bound to 0.0.0.0 reached by its LAN IP); not cached, as it is per connection.
    const local = req.socket?.localAddress?.toLowerCase();
    if (name !== null && local !== undefined && (local === name || local === `::ffff:${name}`)) return null;
    const shown = (name ?? host).slice(0, 200);
    return new DangoError(
      'FORBIDDEN',
      `Host '${host.slice(0, 200)}' is not allowed (protection against DNS rebinding). If this server is meant to be reached as '${shown}', add it to allowedHosts in the mount options (dango start --allowed-host ${shown})`,
    );
  };
}
