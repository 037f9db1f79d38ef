/** What a path (relative to the mount prefix) is, when it is Dango's. */
export type DangoPath =
  | { kind: 'api' }
  | { kind: 'ws' }
  | { kind: 'metabase'; upstreamPath: string }
  /** `subPath` is the path after `/dbt-docs` (or `/manifest.json`, `/catalog.json` at the mount root). */
  | { kind: 'dbt-docs'; subPath: string };

// The answers without data are shared constants: classifying the hot `/api` paths allocates nothing.
const API: DangoPath = Object.freeze({ kind: 'api' });
const WS: DangoPath = Object.freeze({ kind: 'ws' });

function under(path: string, base: string): boolean {
  return path === base || path.startsWith(`${base}/`);
}

/** Classifies a mount-relative path; null means "not ours" (the host's next handler gets it). */
export function classifyPath(path: string): DangoPath | null {
  if (under(path, '/api')) return API;
  if (path === '/ws') return WS;
  if (under(path, '/metabase')) return { kind: 'metabase', upstreamPath: path.slice('/metabase'.length) || '/' };
  if (under(path, '/dbt-docs')) return { kind: 'dbt-docs', subPath: path.slice('/dbt-docs'.length) };
  if (path === '/manifest.json' || path === '/catalog.json') return { kind: 'dbt-docs', subPath: path };
  return null;
}

/** Splits a request URL (origin-form or absolute-form) into path and query string (without `?`). */
export function splitUrl(url: string): { pathname: string; search: string } {
  let rest = url;
  if (!rest.startsWith('/')) {
    try {
      const parsed = new URL(rest);
      rest = parsed.pathname + parsed.search;
    } catch {
      return { pathname: '', search: '' };
    }
  }
  const q = rest.indexOf('?');
  return q === -1 ? { pathname: rest, search: '' } : { pathname: rest.slice(0, q), search: rest.slice(q + 1) };
}

/** `'/dango/'` -> `'/dango'`, `'/'` or undefined -> `''`; a prefix must start with `/`. */
export function normalizePrefix(prefix: string | undefined): string {
  const p = (prefix ?? '').replace(/\/+$/, '');
  if (p !== '' && !p.startsWith('/')) throw new TypeError(`Dango mount prefix must start with '/', got '${prefix}'`);
  return p;
}

/** The path relative to `prefix`, or null when the path is outside it. */
export function stripPrefix(pathname: string, prefix: string): string | null {
  if (prefix === '') return pathname || null;
  if (pathname === prefix) return '/';
  return pathname.startsWith(`${prefix}/`) ? pathname.slice(prefix.length) : null;
}
