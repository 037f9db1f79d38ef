import { readFileSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { DangoError } from '../errors';
import type { DangoResponse } from '../http/types';
import { PACKAGE_ROOT } from '../package-root';
import { writeResponse } from './response-writer';

/**
 * The dashboard's pages may load scripts, styles and data only from this origin: no inline scripts,
 * no framing by other sites. `connect-src 'self'` covers the same-origin `/ws` in CSP Level 3 browsers.
 */
export const UI_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
  "base-uri 'self'; form-action 'self'; frame-ancestors 'self'; object-src 'none'";

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};
/** Asset names carry a content hash, so a browser may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';
const PAGE_HEADERS = {
  'content-security-policy': UI_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/**
 * Where `@dango/ui`'s built files are, or null. `@dango/ui` is an optional peer of core, found at run
 * time (from core's own location, then from the app's working directory), so core never depends on React.
 */
export function findUiAssetsDir(): string | null {
  for (const base of [path.join(PACKAGE_ROOT, 'package.json'), path.join(process.cwd(), 'package.json')]) {
    try {
      const dir = (createRequire(base)('@dango/ui') as { assetsDir?: unknown }).assetsDir;
      if (typeof dir === 'string') return dir;
    } catch {
      // not installed from here
    }
  }
  return null;
}

/** A relative `<base href>` that points from the page's depth back to the mount root, so deep links load `./assets/` right under any prefix. */
export function relativeBase(mountPath: string): string {
  const depth = mountPath.split('/').length - 2;
  return depth <= 0 ? './' : '../'.repeat(depth);
}

const wantsHtml = (req: IncomingMessage): boolean => (req.headers.accept ?? '').includes('text/html');

/** Serves the dashboard of one mount: the shell page, its hashed assets and the SPA fallback. */
export interface UiAssets {
  /**
   * Answers a GET/HEAD for a path the API does not own. Resolves false when the path is not the UI's
   * (a non-page request for an unknown path), so the host's next handler gets it.
   */
  handle(req: IncomingMessage, res: ServerResponse, mountPath: string, pathname: string, refusal: () => Promise<DangoError | null>): Promise<boolean>;
}

/** Creates the dashboard server of a mount; `dir` defaults to the installed `@dango/ui`. */
export function createUiAssets(dir: string | null = findUiAssetsDir()): UiAssets {
  let shell: { mtimeMs: number; html: string } | null = null;
  const readShell = (): string | null => {
    if (!dir) return null;
    try {
      const file = path.join(dir, 'index.html');
      const { mtimeMs } = statSync(file);
      if (shell?.mtimeMs !== mtimeMs) shell = { mtimeMs, html: readFileSync(file, 'utf8') };
      return shell.html;
    } catch {
      return null;
    }
  };

  const answer = (req: IncomingMessage, mountPath: string, pathname: string): DangoResponse | null => {
    if (mountPath.startsWith('/assets/')) {
      const root = dir ? path.join(dir, 'assets') : null;
      const file = root ? path.resolve(root, `.${decodeURIComponent(mountPath.slice('/assets'.length))}`) : null;
      if (!root || !file || !file.startsWith(root + path.sep)) return { kind: 'json', status: 404, value: { detail: 'Not Found' } };
      const type = TYPES[path.extname(file)] ?? 'application/octet-stream';
      return { kind: 'file', status: 200, path: file, headers: { 'content-type': type, 'cache-control': IMMUTABLE, 'x-content-type-options': 'nosniff' } };
    }
    const isPage = mountPath === '/' || mountPath === '/index.html' || wantsHtml(req);
    if (!isPage) return null;
    // `/dango` must become `/dango/`, or every relative URL of the page would resolve one level too high.
    if (mountPath === '/' && !pathname.endsWith('/')) {
      const last = pathname.slice(pathname.lastIndexOf('/') + 1);
      return { kind: 'bytes', status: 308, headers: { location: `${last}/`, 'cache-control': 'no-cache' }, body: '' };
    }
    const html = readShell();
    if (html === null) {
      return { kind: 'json', status: 404, value: { detail: 'The Dango dashboard is not installed: add @dango/ui (npm install @dango/ui), or build it with npm run build -w @dango/ui' } };
    }
    return {
      kind: 'bytes',
      status: 200,
      headers: { ...PAGE_HEADERS, 'content-type': 'text/html; charset=utf-8' },
      body: html.replace('<base href="./"', `<base href="${relativeBase(mountPath)}"`),
    };
  };

  return {
    async handle(req, res, mountPath, pathname, refusal) {
      if (req.method !== 'GET' && req.method !== 'HEAD') return false;
      let response: DangoResponse | null;
      try {
        response = answer(req, mountPath, pathname);
      } catch {
        // A malformed %-escape in an asset path.
        response = { kind: 'json', status: 400, value: { detail: 'Malformed path' } };
      }
      if (!response) return false;
      const refused = await refusal();
      if (refused) {
        const headers: Record<string, string> = refused.code === 'UNAUTHORIZED' ? { 'www-authenticate': 'Bearer' } : {};
        response = { kind: 'json', status: refused.status, headers, value: { detail: refused.code === 'UNAUTHORIZED' ? `${refused.message}: open the dashboard with ?token=<your token> once` : refused.message } };
      }
      await writeResponse(req, res, response);
      return true;
    },
  };
}
