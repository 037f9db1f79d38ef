import type { PaginatorSpec } from './rest-config';
import { getPath } from './json-path';

/** One page's request: an absolute URL and the query parameters added to it. */
export interface PageRequest {
  url: string;
  params: Record<string, string>;
}

/** What a paginator sees of a page. */
export interface PageResponse {
  headers: Headers;
  body: unknown;
  records: unknown[];
}

/** Turns one page into the next page's request, or null after the last page. */
export interface Paginator {
  /** The first page's request (adds e.g. `offset=0&limit=100`). */
  first(request: PageRequest): PageRequest;
  next(request: PageRequest, page: PageResponse): PageRequest | null;
}

/** The links of an RFC 8288 `Link` header: target and lower-cased parameters (quoted values may hold `,` and `;`). */
function parseLinks(header: string): Array<{ target: string; params: Map<string, string> }> {
  const links: Array<{ target: string; params: Map<string, string> }> = [];
  let i = 0;
  while (i < header.length) {
    const open = header.indexOf('<', i);
    const close = open < 0 ? -1 : header.indexOf('>', open);
    if (close < 0) break;
    const link = { target: header.slice(open + 1, close), params: new Map<string, string>() };
    i = close + 1;
    for (;;) {
      while (header[i] === ' ' || header[i] === '\t') i++;
      if (header[i] !== ';') break;
      const m = /^;\s*([^=;,\s]+)\s*(?:=\s*("(?:[^"\\]|\\.)*"|[^;,\s]*))?/.exec(header.slice(i));
      if (!m) break;
      const raw = m[2] ?? '';
      link.params.set(m[1]!.toLowerCase(), raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw);
      i += m[0].length;
    }
    links.push(link);
    const comma = header.indexOf(',', i);
    if (comma < 0) break;
    i = comma + 1;
  }
  return links;
}

/** The target of the link whose `rel` includes `rel` (default `next`) in an RFC 8288 `Link` header, or null. */
export function nextLink(header: string | null, rel = 'next'): string | null {
  if (!header) return null;
  const wanted = rel.toLowerCase();
  const found = parseLinks(header).find((l) => (l.params.get('rel') ?? '').toLowerCase().split(/\s+/).includes(wanted));
  return found?.target ?? null;
}

const withParams = (req: PageRequest, extra: Record<string, string>): PageRequest => ({ url: req.url, params: { ...req.params, ...extra } });

/** A link found in a page, resolved against the page's own URL; its query replaces the request's params. */
function follow(req: PageRequest, link: unknown): PageRequest | null {
  if (typeof link !== 'string' || link === '') return null;
  const current = new URL(req.url);
  for (const [k, v] of Object.entries(req.params)) current.searchParams.set(k, v);
  return { url: new URL(link, current).toString(), params: {} };
}

const toNumber = (v: unknown): number | undefined => (typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v)) ? Number(v) : undefined);

const NEXT_URL_PATHS = ['next', 'next_url', 'links.next', 'links.next.href', '_links.next.href', 'paging.next', 'pagination.next', 'meta.next'];
const NEXT_CURSOR_PATHS = ['next_cursor', 'cursor.next', 'cursors.next', 'meta.next_cursor', 'pagination.next_cursor', 'response_metadata.next_cursor'];

/** `auto`: decides on the first page: a `Link` header, a next URL, a next cursor (sent as `cursor`), else a single page. */
function autoPaginator(): Paginator {
  let chosen: Paginator | null = null;
  return {
    first: (req) => req,
    next(req, page) {
      if (!chosen) {
        const body = page.body;
        const url = NEXT_URL_PATHS.find((p) => typeof getPath(body, p) === 'string' && /^(https?:\/\/|\/|\?)/.test(getPath(body, p) as string));
        const cursor = NEXT_CURSOR_PATHS.find((p) => typeof getPath(body, p) === 'string' && getPath(body, p) !== '');
        if (nextLink(page.headers.get('link'))) chosen = createPaginator({ type: 'header_link', links_next_key: 'next' });
        else if (url) chosen = createPaginator({ type: 'json_link', next_url_path: url });
        else if (cursor) chosen = createPaginator({ type: 'cursor', cursor_path: cursor, cursor_param: 'cursor', cursor_from: 'body' });
        else chosen = createPaginator({ type: 'single_page' });
      }
      return chosen.next(req, page);
    },
  };
}

/** A paginator for a spec; stateless except `auto`'s choice, so make one per request sequence. */
export function createPaginator(spec: PaginatorSpec): Paginator {
  switch (spec.type) {
    case 'auto':
      return autoPaginator();
    case 'single_page':
      return { first: (req) => req, next: () => null };
    case 'json_link':
      return { first: (req) => req, next: (req, page) => follow(req, getPath(page.body, spec.next_url_path)) };
    case 'header_link':
      return { first: (req) => req, next: (req, page) => follow(req, nextLink(page.headers.get('link'), spec.links_next_key)) };
    case 'offset':
      return {
        first: (req) => withParams(req, { [spec.offset_param]: String(spec.offset), [spec.limit_param]: String(spec.limit) }),
        next(req, page) {
          if (page.records.length === 0) return null;
          const offset = Number(req.params[spec.offset_param]) + spec.limit;
          const total = spec.total_path ? toNumber(getPath(page.body, spec.total_path)) : undefined;
          if ((total !== undefined && offset >= total) || (spec.maximum_offset !== undefined && offset >= spec.maximum_offset)) return null;
          return withParams(req, { [spec.offset_param]: String(offset) });
        },
      };
    case 'page_number':
      return {
        first: (req) => withParams(req, { [spec.page_param]: String(spec.base_page) }),
        next(req, page) {
          if (page.records.length === 0) return null;
          const nextPage = Number(req.params[spec.page_param]) + 1;
          const total = spec.total_path ? toNumber(getPath(page.body, spec.total_path)) : undefined;
          if ((total !== undefined && nextPage - spec.base_page >= total) || (spec.maximum_page !== undefined && nextPage > spec.maximum_page)) return null;
          return withParams(req, { [spec.page_param]: String(nextPage) });
        },
      };
    case 'cursor':
      return {
        first: (req) => req,
        next(req, page) {
          if (spec.has_more_path && !getPath(page.body, spec.has_more_path)) return null;
          const from = spec.cursor_from === 'last_record' ? page.records[page.records.length - 1] : page.body;
          const value = from === undefined ? undefined : getPath(from, spec.cursor_path);
          if (value === undefined || value === null || value === '') return null;
          return withParams(req, { [spec.cursor_param]: String(value) });
        },
      };
  }
}
