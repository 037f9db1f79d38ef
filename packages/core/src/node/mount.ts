import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { DangoError } from '../errors';
import { dangoVersion } from '../health/dango-version';
import { createApiHandler } from '../http/api-handler';
import { errorToResponse } from '../http/error-response';
import type { DangoResponse } from '../http/types';
import type { DangoPlatform } from '../platform';
import { createWsHub, type WsHubOptions } from '../realtime/ws-hub';
import { classifyPath, normalizePrefix, splitUrl, stripPrefix, type DangoPath } from './dango-paths';
import { handleCors } from './cors';
import { serveDbtDocs } from './dbt-docs';
import { bodyForResend } from './json-body';
import { NodeDangoRequest, type NodeRequestSettings } from './node-request';
import { isForeignOrigin, normalizeOrigin } from './origin-check';
import { createHostCheck, type AllowedHosts } from './host-check';
import { docsAsset } from './docs-assets';
import { createProxy } from './proxy';
import { rejectUpgrade } from './proxy-upgrade-reply';
import { writeResponse } from './response-writer';
import { createUiAssets } from './ui-assets';

/** Options of `createMount` (and of every adapter). */
export interface MountOptions {
  /** Where Dango lives in the host's URL space, e.g. `/dango`; default `''` (the root). */
  prefix?: string;
  /**
   * Guards every route, proxy and `/ws`; false answers 401. With a hook, the `Authorization` header is
   * taken as Dango's own credential and never forwarded to Metabase or dbt docs.
   */
  authorize?: (req: IncomingMessage) => boolean | Promise<boolean>;
  /**
   * Browser origins (besides the host's own) allowed to make state-changing requests and open `/ws`; `/api`
   * answers them with CORS headers, so such a page can read the responses too.
   */
  allowedOrigins?: string[];
  /**
   * `Host` names (besides loopback names and IPs and the address a connection arrived at) this mount answers,
   * e.g. `['data.example.com', '.example.com']` (a leading dot: the domain and its subdomains); others get 403,
   * against DNS rebinding. `publicUrl`'s host is added. `true` accepts any Host (a proxy in front checks it).
   */
  allowedHosts?: AllowedHosts;
  /** Proxy upstreams; a string overrides the project config, `false` disables the path (404). */
  proxies?: { metabase?: string | false; dbtDocs?: string | false };
  /**
   * The URL clients reach this mount at, e.g. `https://data.example.com/dango` behind a TLS proxy; `/api/config`
   * reports it. Default: each request's own scheme, Host and prefix.
   */
  publicUrl?: string;
  /** Largest JSON body in bytes (default 1 MiB); bigger ones get 413. */
  maxJsonBytes?: number;
  /** Tuning of the `/ws` hub. */
  hub?: WsHubOptions;
  /** Serve the web dashboard (`@dango/ui`, when installed) at `<prefix>/`; default false (`dango start` turns it on). */
  ui?: boolean;
}

/** Dango mounted into a Node HTTP server; adapters translate their framework's calls to these. */
export interface DangoMount {
  readonly prefix: string;
  /** Serves the request when its path is Dango's; resolves false (nothing written) so the host calls next(). `req.url` is the FULL original URL (the mount strips the prefix itself). */
  handle(req: IncomingMessage, res: ServerResponse, parsedBody?: unknown): Promise<boolean>;
  /** Claims an upgrade for `<prefix>/ws` or a proxied WS path; returns false for foreign paths (left to other listeners). */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** Adds an 'upgrade' listener to the server that calls upgrade() and never destroys foreign upgrades. */
  attach(server: Server): void;
  /** Closes WebSockets, proxy agents, and detaches. */
  close(): Promise<void>;
}

const DEFAULT_MAX_JSON_BYTES = 1024 * 1024;
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Why `/metabase/` answers 404, and how to turn it on. */
const METABASE_NOT_CONFIGURED = 'Metabase is not configured: set platform.metabase_url in .dango/project.yml (e.g. http://localhost:3000)';

/** Mounts the platform's API, docs, `/ws` and proxies onto Node requests (the core of every adapter). */
export function createMount(platform: DangoPlatform, options: MountOptions = {}): DangoMount {
  const prefix = normalizePrefix(options.prefix);
  const maxJsonBytes = options.maxJsonBytes ?? DEFAULT_MAX_JSON_BYTES;
  const allowedOrigins = new Set((options.allowedOrigins ?? []).map((o) => normalizeOrigin(o)).filter((o): o is string => o !== null));
  const hostRefusal = createHostCheck(options.allowedHosts, options.publicUrl ? [options.publicUrl] : []);
  const api = createApiHandler(platform, { version: dangoVersion(), docsAsset });
  const hub = createWsHub(platform.context.events, options.hub);
  const ui = options.ui ? createUiAssets() : null;

  // Targets are read per request so a reloaded config takes effect; mount options win over the config.
  const metabaseTarget = (): string | null =>
    options.proxies?.metabase === false ? null : options.proxies?.metabase || platform.config.platform.metabase_url || null;
  const dbtDocsTarget = (): string | null | false =>
    options.proxies?.dbtDocs === false ? false : options.proxies?.dbtDocs || platform.config.platform.dbt_docs_url || null;
  // One proxy per service, so a 502 names the service asked for even when both share an upstream URL.
  const withholdHeaders = options.authorize ? ['authorization'] : [];
  const proxies = {
    metabase: createProxy({ serviceName: () => 'Metabase', withholdHeaders }),
    dbtDocs: createProxy({ serviceName: () => 'dbt docs', withholdHeaders }),
  };

  const attached = new Set<Server>();
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    mount.upgrade(req, socket, head);
  };
  let closed = false;
  let closing: Promise<void> | null = null;


  /** Authorisation first (a stranger learns nothing), then the browser-origin rule. */
  const refusal = async (req: IncomingMessage, originMatters: boolean): Promise<DangoError | null> => {
    if (options.authorize && !(await options.authorize(req))) return new DangoError('UNAUTHORIZED', 'Unauthorized');
    if (originMatters && isForeignOrigin(req.headers, allowedOrigins)) {
      return new DangoError('FORBIDDEN', `Requests from origin '${req.headers.origin}' are not allowed`);
    }
    return null;
  };

  const requestSettings: NodeRequestSettings = {
    prefix,
    ...(options.publicUrl ? { publicUrl: options.publicUrl.replace(/\/+$/, '') } : {}),
    maxJsonBytes,
    // Read per request, as the platform's limit may change after mounting.
    get upload() {
      return { maxFileBytes: platform.context.maxUploadBytes };
    },
  };

  /** The non-API paths: `/ws` without an upgrade, the proxies and the dbt docs. */
  const dispatch = async (req: IncomingMessage, res: ServerResponse, target: Exclude<DangoPath, { kind: 'api' }>, path: string, search: string, parsedBody: unknown): Promise<DangoResponse | null> => {
    if (target.kind === 'ws') return { kind: 'json', status: 426, headers: { upgrade: 'websocket' }, value: { detail: 'Upgrade Required: connect with a WebSocket client' } };
    const query = search ? `?${search}` : '';
    if (target.kind === 'metabase') {
      const upstream = metabaseTarget();
      if (!upstream) return { kind: 'json', status: 404, value: { detail: METABASE_NOT_CONFIGURED } };
      await proxies.metabase.web(req, res, upstream, target.upstreamPath + query, bodyForResend(req, parsedBody));
      return null;
    }
    const upstream = dbtDocsTarget();
    if (upstream === false) return { kind: 'json', status: 404, value: { detail: 'dbt docs are disabled' } };
    if (upstream) {
      await proxies.dbtDocs.web(req, res, upstream, (target.subPath || '/') + query, bodyForResend(req, parsedBody));
      return null;
    }
    return serveDbtDocs(platform, target.subPath);
  };

  const mount: DangoMount = {
    prefix,

    async handle(req, res, parsedBody) {
      const { pathname, search } = splitUrl(req.url ?? '/');
      const path = stripPrefix(pathname, prefix);
      const target = path === null ? null : classifyPath(path);
      if (!target && ui && path !== null) return ui.handle(req, res, path, pathname, () => refusal(req, false));
      if (!target || path === null) return false;
      try {
        // Only with an allow-list: without one the hot path never builds `req.headers` for this.
        if (target.kind === 'api' && allowedOrigins.size > 0 && handleCors(req, res, allowedOrigins)) return true;
        const originMatters = STATE_CHANGING.has(req.method ?? 'GET');
        // Reads without an authorize hook skip the async check entirely: the hot path stays synchronous.
        const refused = hostRefusal(req) ?? (options.authorize || originMatters ? await refusal(req, originMatters) : null);
        if (refused) {
          await writeResponse(req, res, errorToResponse(platform, refused, ''));
          return true;
        }
        if (target.kind === 'api') {
          // Inline rather than a helper: every async hop on this path costs measurable time per request.
          const request = new NodeDangoRequest(req, res, requestSettings, path, search, parsedBody);
          try {
            const streaming = writeResponse(req, res, await api(request));
            if (streaming) await streaming;
          } finally {
            request.finish();
          }
          return true;
        }
        const response = await dispatch(req, res, target, path, search, parsedBody);
        if (response) await writeResponse(req, res, response);
      } catch (err) {
        const answer = errorToResponse(platform, err, `${req.method} ${pathname}`);
        if (res.headersSent) res.destroy();
        else await writeResponse(req, res, answer);
      }
      return true;
    },

    upgrade(req, socket, head) {
      const { pathname, search } = splitUrl(req.url ?? '/');
      const path = stripPrefix(pathname, prefix);
      const target = path === null ? null : classifyPath(path);
      if (!target || path === null) return false;
      // The socket may error while authorize() runs; without a listener that would crash the process.
      const swallow = (): void => {};
      socket.on('error', swallow);
      void (async () => {
        try {
          if (closed) return rejectUpgrade(socket, 503, 'Dango is shutting down');
          const refused = hostRefusal(req) ?? (await refusal(req, true));
          if (refused) return rejectUpgrade(socket, refused.status, refused.message);
          socket.off('error', swallow);
          const query = search ? `?${search}` : '';
          if (target.kind === 'ws') return hub.handleUpgrade(req, socket, head);
          if (target.kind === 'api') return rejectUpgrade(socket, 404, 'Not Found');
          const upstream = target.kind === 'metabase' ? metabaseTarget() : dbtDocsTarget();
          if (!upstream) return rejectUpgrade(socket, 404, target.kind === 'metabase' ? METABASE_NOT_CONFIGURED : 'dbt docs are served without WebSockets');
          const upstreamPath = target.kind === 'metabase' ? target.upstreamPath : target.subPath || '/';
          proxies[target.kind === 'metabase' ? 'metabase' : 'dbtDocs'].ws(req, socket, head, upstream, upstreamPath + query);
        } catch (err) {
          const answer = errorToResponse(platform, err, `upgrade ${pathname}`);
          rejectUpgrade(socket, answer.status, (answer.value as { detail: string }).detail);
        }
      })();
      return true;
    },

    attach(server) {
      if (attached.has(server)) return;
      attached.add(server);
      server.on('upgrade', onUpgrade);
    },

    close() {
      closing ??= (async () => {
        closed = true;
        for (const server of attached) server.off('upgrade', onUpgrade);
        attached.clear();
        proxies.metabase.close();
        proxies.dbtDocs.close();
        await hub.close();
      })();
      return closing;
    },
  };
  return mount;
}
