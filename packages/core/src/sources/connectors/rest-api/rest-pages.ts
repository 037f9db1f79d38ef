import { DangoError } from '../../../errors';
import type { HttpClient } from '../http/http-client';
import { detectDataPath, recordsAt } from './json-path';
import { createPaginator, type PageRequest, type PageResponse } from './paginators';
import type { PaginatorSpec } from './rest-config';

/** What a page sequence needs: the client, the headers of every request, where the records are. */
export interface PageSource {
  client: HttpClient;
  headers: Record<string, string>;
  resource: string;
  paginator: PaginatorSpec;
  /** The configured data_selector; when absent the first page's shape decides, and later pages reuse it. */
  dataPath?: string;
}

/** The absolute URL of a request: its URL with its params set. */
export function requestUrl(req: PageRequest): string {
  const url = new URL(req.url);
  for (const [k, v] of Object.entries(req.params)) url.searchParams.set(k, v);
  return url.toString();
}

async function fetchPage(source: PageSource, req: PageRequest): Promise<PageResponse> {
  const res = await source.client.send({ url: requestUrl(req), headers: source.headers });
  const body = res.json();
  source.dataPath ??= detectDataPath(body, source.resource);
  return { headers: res.headers, body, records: recordsAt(body, source.dataPath, source.resource) };
}

/**
 * The records of one request sequence, page by page. The next page is requested as soon as the
 * current one is parsed, so the network works while the caller converts and stages rows; at most two
 * pages are in memory.
 */
export async function* pages(source: PageSource, start: PageRequest, limit = Number.POSITIVE_INFINITY): AsyncGenerator<unknown[]> {
  const paginator = createPaginator(source.paginator);
  let req: PageRequest | null = paginator.first(start);
  let pending: Promise<PageResponse> | null = fetchPage(source, req);
  const seen = new Set<string>();
  for (let n = 0; pending && req; n++) {
    const page: PageResponse = await pending;
    const next: PageRequest | null = n + 1 < limit ? paginator.next(req, page) : null;
    if (next) {
      const key = requestUrl(next);
      // A paginator that points back at a page it served would loop forever.
      if (seen.has(key) || key === requestUrl(req)) {
        throw new DangoError('UPSTREAM', `The ${source.paginator.type} paginator of resource ${source.resource} returned a page it had already requested; check its paginator settings`);
      }
      if (seen.size < 10_000) seen.add(key);
    }
    pending = next ? fetchPage(source, next) : null;
    // Nobody awaits a prefetched page when the caller stops early; its failure must not go unhandled.
    pending?.catch(() => undefined);
    req = next;
    yield page.records;
  }
}
