import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { docsAssetDir } from './asset-dir';

/** A response for the HTTP mount to send as is. */
export interface DocsResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer | string;
}

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

const ARTIFACTS: ReadonlySet<string> = new Set(['manifest.json', 'catalog.json']);

// The pages show text from the user's project (descriptions, SQL); the app only ever inserts it as text,
// and the policy makes sure nothing injected could run or phone home anyway.
const PAGE_HEADERS = {
  'content-security-policy': "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'self'",
  'x-content-type-options': 'nosniff',
};

/** Splits a request sub-path into safe segments, or null when it could escape its folder. */
function segments(subPath: string): string[] | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(subPath.split(/[?#]/, 1)[0] ?? '');
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const parts = decoded.split('/').filter((p) => p !== '' && p !== '.');
  return parts.some((p) => p === '..') ? null : parts;
}

/** The real path of `name` inside `dir`, or null when absent or when it (through symlinks too) resolves outside `dir`. */
async function pathInside(dir: string, name: string): Promise<string | null> {
  try {
    const root = await realpath(dir);
    const file = await realpath(path.join(root, name));
    return file.startsWith(root + path.sep) ? file : null;
  } catch {
    return null;
  }
}

async function readInside(dir: string, name: string): Promise<Buffer | null> {
  const file = await pathInside(dir, name);
  if (file === null) return null;
  try {
    return await readFile(file);
  } catch {
    // A directory, or a file that vanished between the two calls.
    return null;
  }
}

function ok(name: string, body: Buffer): DocsResponse {
  const type = CONTENT_TYPES[path.extname(name)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'content-type': type, 'cache-control': 'no-cache', ...(type.startsWith('text/html') ? PAGE_HEADERS : { 'x-content-type-options': 'nosniff' }) };
  return { status: 200, headers, body };
}

async function artifact(targetDir: string, name: string): Promise<DocsResponse> {
  const body = await readInside(targetDir, name);
  if (body) return ok(name, body);
  return {
    status: 404,
    headers: { 'content-type': CONTENT_TYPES['.json']!, 'cache-control': 'no-cache' },
    body: JSON.stringify({ detail: `No dbt docs generated yet (${name} is missing): run \`dango docs generate\`` }),
  };
}

async function page(targetDir: string): Promise<DocsResponse | null> {
  // Without a manifest the app would have nothing to show: answer with the explanatory page instead.
  const hasManifest = (await pathInside(targetDir, 'manifest.json')) !== null;
  const name = hasManifest ? 'index.html' : 'no-docs.html';
  const body = await readInside(docsAssetDir(), name);
  return body ? ok(name, body) : null;
}

/**
 * Serves Dango's built-in dbt docs site: `subPath` is the path after `/dbt-docs` (or `/manifest.json`,
 * `/catalog.json` at the mount root). Artifacts come from `targetDir`, the app from the package's assets;
 * null means "not ours" (unknown path, or one that tries to leave its folder).
 */
export async function serveDocs(targetDir: string, subPath: string): Promise<DocsResponse | null> {
  if (subPath === '') {
    // Relative asset URLs only work below a trailing slash; a relative Location keeps any mount prefix.
    return { status: 301, headers: { location: 'dbt-docs/', 'cache-control': 'no-cache' }, body: '' };
  }
  const parts = segments(subPath);
  if (parts === null) return null;
  if (parts.length === 0 || (parts.length === 1 && parts[0] === 'index.html')) return page(targetDir);
  if (parts.length === 1 && ARTIFACTS.has(parts[0]!)) return artifact(targetDir, parts[0]!);
  if (parts.length === 2 && parts[0] === 'assets' && parts[1] !== 'index.html' && parts[1] !== 'no-docs.html') {
    const body = await readInside(docsAssetDir(), parts[1]!);
    return body ? ok(parts[1]!, body) : null;
  }
  return null;
}
