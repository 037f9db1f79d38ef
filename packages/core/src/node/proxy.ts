import http, { ServerResponse, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Readable, type Duplex } from 'node:stream';
import { createProxyServer } from 'http-proxy-3';
import { DangoError, errorMessage } from '../errors';
import { stripHopByHop, upstreamHeaders, upstreamUpgradeHeaders } from './proxy-headers';
import { rejectUpgrade } from './proxy-upgrade-reply';

/** A reverse proxy to the configured upstreams (Metabase, dbt docs), for HTTP requests and WebSocket upgrades. */
export interface Proxy {
  /** Forwards to `target` + `upstreamPath` (which includes the query string), streaming both ways; `body` re-sends a body the host's parser already consumed (set content-length accordingly). On upstream failure writes 502 {"detail":"<Service> is unavailable: ..."} if headers were not sent yet. */
  web(req: IncomingMessage, res: ServerResponse, target: string, upstreamPath: string, body?: Buffer): Promise<void>;
  /** Proxies a WebSocket upgrade; on failure writes `HTTP/1.1 502 Bad Gateway` on the socket and destroys it. */
  ws(req: IncomingMessage, socket: Duplex, head: Buffer, target: string, upstreamPath: string): void;
  /** Destroys the keep-alive agents and open proxied sockets. */
  close(): void;
}

/** Options of `createProxy`. */
export interface ProxyOptions {
  /** How long an upstream may stay silent (no response bytes) before the request fails. Default 60 s. */
  timeoutMs?: number;
  /** The service name shown in 502 details for a target, e.g. `'Metabase'`. Defaults to "The upstream at <origin>". */
  serviceName?: (target: string) => string;
  /** Request headers (lower-case) never sent upstream, e.g. `authorization` when it carries Dango's own credential. */
  withholdHeaders?: readonly string[];
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Creates a proxy with its own keep-alive agents; call `close()` when the mount closes. */
export function createProxy(options: ProxyOptions = {}): Proxy {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const withhold = options.withholdHeaders ?? [];
  const serviceName = options.serviceName ?? ((target: string) => `The upstream at ${originOf(target)}`);
  const agents = { http: new http.Agent({ keepAlive: true }), https: new https.Agent({ keepAlive: true }) };
  // ignorePath: the caller has already mapped the public path to `upstreamPath`, which becomes the target's path.
  const server = createProxyServer({ changeOrigin: true, xfwd: true, ignorePath: true });
  /** Sockets of established WebSocket tunnels and upgrade requests still in flight, for `close()`. */
  const live = new Set<{ destroy(): unknown }>();
  /** Client sockets whose 101 answer has been written. */
  const tunnelled = new WeakSet<Duplex>();
  let closed = false;

  const track = (item: { destroy(): unknown; once(event: 'close', listener: () => void): unknown }): void => {
    live.add(item);
    item.once('close', () => live.delete(item));
  };

  server.on('proxyReq', (proxyReq) => {
    proxyReq.setTimeout(timeoutMs, () => proxyReq.destroy(new DangoError('UPSTREAM', `no response within ${timeoutMs / 1000} s`)));
  });
  server.on('proxyRes', (proxyRes, _req, res) => {
    stripHopByHop(proxyRes.headers);
    // http-proxy-3 pipes the body but ignores an upstream that dies mid-response; the client would wait forever.
    proxyRes.once('close', () => {
      if (!proxyRes.complete) res.destroy();
    });
  });
  server.on('proxyReqWs', (proxyReq, _req, socket) => {
    track(proxyReq);
    proxyReq.setTimeout(timeoutMs, () => proxyReq.destroy(new DangoError('UPSTREAM', `no handshake within ${timeoutMs / 1000} s`)));
    proxyReq.once('upgrade', (_res, upstreamSocket: Duplex) => {
      // From here on the client socket carries the tunnel: failures may only cut it, never answer HTTP.
      tunnelled.add(socket);
      live.delete(proxyReq);
      proxyReq.setTimeout(0);
      track(socket);
      track(upstreamSocket);
    });
  });
  // Every call passes its own callback; this only catches errors of established tunnels, which
  // http-proxy-3 reports here and would otherwise throw.
  server.on('error', (_err, _req, res) => {
    if (!(res instanceof ServerResponse)) res.destroy();
  });

  return {
    web(req, res, target, upstreamPath, body) {
      const done = new Promise<void>((resolve) => {
        if (res.closed) resolve();
        else res.once('close', () => resolve());
      });
      const fail = (err: unknown): void => replyUnavailable(res, `${serviceName(target)} is unavailable: ${errorMessage(err)}`);
      if (closed) {
        fail(new Error('the proxy is closed'));
        return done;
      }
      let url: URL;
      try {
        url = upstreamUrl(target, upstreamPath);
      } catch (err) {
        fail(err);
        return done;
      }
      withHeaders(req, upstreamHeaders(req.headers, body, withhold), () =>
        server.web(req, res, { target: url, agent: agents[url.protocol === 'https:' ? 'https' : 'http'], buffer: body && Readable.from([body]) }, fail),
      );
      return done;
    },

    ws(req, socket, head, target, upstreamPath) {
      const fail = (err: unknown): void => {
        if (tunnelled.has(socket)) socket.destroy();
        else rejectUpgrade(socket, 502, `${serviceName(target)} is unavailable: ${errorMessage(err)}`);
      };
      if (closed) {
        fail(new Error('the proxy is closed'));
        return;
      }
      let url: URL;
      try {
        url = upstreamUrl(target, upstreamPath);
      } catch (err) {
        fail(err);
        return;
      }
      // No agent: an upgraded connection is never reused, and pooling it would only delay its release.
      withHeaders(req, upstreamUpgradeHeaders(req.headers, withhold), () => server.ws(req, socket, head, { target: url, agent: false }, fail));
    },

    close() {
      closed = true;
      for (const item of live) item.destroy();
      live.clear();
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

/** The full upstream URL: the target's origin and base path joined with `upstreamPath`; the host always comes from `target`. */
export function upstreamUrl(target: string, upstreamPath: string): URL {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new DangoError('CONFIG_INVALID', `invalid upstream URL "${target}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new DangoError('CONFIG_INVALID', `upstream URL "${target}" must use http or https`);
  }
  const queryAt = upstreamPath.indexOf('?');
  const path = queryAt === -1 ? upstreamPath : upstreamPath.slice(0, queryAt);
  const basePath = url.pathname.replace(/\/+$/, '');
  // Assigning pathname (never resolving a relative URL) keeps "//host/x" from choosing another host.
  url.pathname = `${basePath}${path.startsWith('/') ? '' : '/'}${path}`;
  url.search = queryAt === -1 ? '' : upstreamPath.slice(queryAt);
  url.hash = '';
  return url;
}

/** Runs `send` while `req.headers` are `headers`: http-proxy-3 copies them synchronously, so the host's request is left as it was. */
function withHeaders(req: IncomingMessage, headers: IncomingHttpHeaders, send: () => void): void {
  const original = req.headers;
  req.headers = headers;
  try {
    send();
  } finally {
    req.headers = original;
  }
}

/** Writes the 502 JSON answer, or cuts the response when the upstream failed after its headers went out. */
function replyUnavailable(res: ServerResponse, detail: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ detail });
  res.writeHead(502, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** The origin of a target for messages, or the raw string when it does not parse. */
function originOf(target: string): string {
  try {
    return new URL(target).origin;
  } catch {
    return target;
  }
}
