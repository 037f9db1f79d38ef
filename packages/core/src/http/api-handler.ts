import { DangoError } from '../errors';
import type { DangoPlatform } from '../platform';
import { DOCS_ASSETS, redocPage, swaggerInitScript, swaggerPage, type DocsAssetName } from './docs-pages';
import { errorToResponse } from './error-response';
import { JsonMemo } from './json-memo';
import { buildOpenApiDocument } from './openapi';
import type { AnyRoute } from './route';
import { createRouter } from './router';
import { ROUTES } from './routes';
import { errorResponse, jsonResponse, type DangoRequest, type DangoResponse } from './types';
import { validateInput } from './validate';

/** What the API handler needs besides the platform. */
export interface ApiHandlerOptions {
  /** The Dango version, for the OpenAPI document. */
  version: string;
  /** Serves one documentation asset from the installed packages (Node-side); null when missing. */
  docsAsset(name: DocsAssetName): DangoResponse | null;
  /** The route table (defaults to every route of the API reference). */
  routes?: readonly AnyRoute[];
}

/** Answers one request under `/api/`. */
export type ApiHandler = (req: DangoRequest) => Promise<DangoResponse>;

const HTML = { 'content-type': 'text/html; charset=utf-8' };
const JS = { 'content-type': 'text/javascript; charset=utf-8' };

function queryObject(query: URLSearchParams): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of query) if (!(key in out)) out[key] = value;
  return out;
}

type Inputs = { params: unknown; query: unknown; body: unknown; file: unknown; request: DangoRequest };

/** Validates path and query parameters; routes that declare neither skip zod entirely. */
function parseParams(route: AnyRoute, rawParams: Record<string, string>, req: DangoRequest): Inputs {
  const { input } = route;
  const params = input.params ? validateInput('path parameter', input.params, rawParams) : undefined;
  const query = input.query ? validateInput('query parameter', input.query, queryObject(req.query)) : undefined;
  return { params, query, body: undefined, file: undefined, request: req };
}

/** Adds the JSON body and the upload to the parameters, for routes that declare them. */
async function readInputs(route: AnyRoute, rawParams: Record<string, string>, req: DangoRequest): Promise<Inputs> {
  const { input } = route;
  const { params, query } = parseParams(route, rawParams, req);
  let body: unknown;
  if (input.body) {
    const raw = await req.body();
    if (raw === undefined && !input.bodyOptional) throw new DangoError('BAD_REQUEST', 'A JSON request body is required');
    body = validateInput('body field', input.body, raw ?? {});
  }
  // The file is opened last so a bad parameter is refused before any upload byte is read.
  const file = input.file ? await req.file(input.file) : undefined;
  return { params, query, body, file, request: req };
}

/** Builds the handler of Dango's `/api/` paths: the route table plus the OpenAPI document and docs pages. */
export function createApiHandler(platform: DangoPlatform, options: ApiHandlerOptions): ApiHandler {
  const routes = options.routes ?? ROUTES;
  const router = createRouter(routes);
  const memos = new Map(routes.filter((r) => r.memoizeJson).map((r) => [r, new JsonMemo()]));
  const documents = new Map<string, unknown>();

  const docsPages: Record<string, (prefix: string) => DangoResponse | null> = {
    '/api/openapi.json': (prefix) => {
      if (!documents.has(prefix)) documents.set(prefix, buildOpenApiDocument(routes, { version: options.version, prefix }));
      return jsonResponse(200, documents.get(prefix));
    },
    '/api/docs': (prefix) => ({ kind: 'bytes', status: 200, headers: HTML, body: swaggerPage(prefix) }),
    '/api/docs/swagger-init.js': (prefix) => ({ kind: 'bytes', status: 200, headers: JS, body: swaggerInitScript(prefix) }),
    '/api/docs/swagger-ui.css': () => options.docsAsset(DOCS_ASSETS.swaggerCss),
    '/api/docs/swagger-ui-bundle.js': () => options.docsAsset(DOCS_ASSETS.swaggerBundle),
    '/api/redoc': (prefix) => ({ kind: 'bytes', status: 200, headers: HTML, body: redocPage(prefix) }),
    '/api/redoc/redoc.standalone.js': () => options.docsAsset(DOCS_ASSETS.redocBundle),
  };

  return async (req) => {
    try {
      const path = req.path.length > 1 && req.path.endsWith('/') ? req.path.slice(0, -1) : req.path;
      const page = docsPages[path];
      if (page) {
        if (req.method !== 'GET' && req.method !== 'HEAD') return errorResponse(405, 'Method Not Allowed', { allow: 'GET, HEAD' });
        return page(req.prefix) ?? errorResponse(404, 'Documentation asset not installed');
      }
      const found = router.lookup(req.method, req.path);
      if (found.kind === 'none') return errorResponse(404, 'Not Found');
      if (found.kind === 'wrong-method') return errorResponse(405, 'Method Not Allowed', { allow: found.allow.join(', ') });
      const { route } = found;
      // Only a body or an upload has to be awaited before the handler runs; the rest is synchronous.
      const inputs = route.input.body || route.input.file ? await readInputs(route, found.params, req) : parseParams(route, found.params, req);
      const value: unknown = await route.handler(platform, inputs as never);
      const answer = jsonResponse(route.status ?? 200, value);
      const memo = memos.get(route);
      if (memo) answer.text = memo.stringify(value);
      return answer;
    } catch (err) {
      return errorToResponse(platform, err, `${req.method} ${req.path}`);
    }
  };
}
