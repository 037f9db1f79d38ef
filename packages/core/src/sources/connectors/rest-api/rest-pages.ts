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

/** Paginators whose next request follows from the request alone (the page only says when to stop). */
const PREDICTABLE = new Set(['offset', 'page_number']);
/** Stands for "this page had records" when predicting requests ahead. */
const SOME = [null];

/**
 * The records of one request sequence, page by page. The next page is requested as soon as the
 * current one is parsed, so the network works while the caller converts and stages rows. Offset and
 * page-number paginators request up to `ahead` pages before they are needed (bounded by a known total;
 * without one the requests past the last page are wasted and their answers dropped), so memory holds
 * at most `ahead + 1` pages.
 */
export async function* pages(source: PageSource, start: PageRequest, limit = Number.POSITIVE_INFINITY, ahead = 1): AsyncGenerator<unknown[]> {
  const paginator = createPaginator(source.paginator);
  const depth = PREDICTABLE.has(source.paginator.type) ? Math.max(1, ahead) : 1;
  const launch = (req: PageRequest) => {
    const page = fetchPage(source, req);
    // Nobody awaits a prefetched page when the sequence stops early; its failure must not go unhandled.
    page.catch(() => undefined);
    return { req, page };
  };
  let queue = [launch(paginator.first(start))];
  const seen = new Set<string>();
  for (let n = 0; queue.length > 0; n++) {
    const { req, page: pending } = queue.shift()!;
    const page = await pending;
    const next = n + 1 < limit ? paginator.next(req, page) : null;
    if (!next) {
      yield page.records;
      return;
    }
    const key = requestUrl(next);
    // A paginator that points back at a page it served would loop forever.
    if (seen.has(key) || key === requestUrl(req)) {
      throw new DangoError('UPSTREAM', `The ${source.paginator.type} paginator of resource ${source.resource} returned a page it had already requested; check its paginator settings`);
    }
    if (seen.size < 10_000) seen.add(key);
    if (queue.length > 0 && requestUrl(queue[0]!.req) !== key) queue = [];
    if (queue.length === 0) queue.push(launch(next));
    for (let last = queue[queue.length - 1]!.req; queue.length < depth && n + 1 + queue.length < limit; ) {
      const predicted = paginator.next(last, { headers: page.headers, body: page.body, records: SOME });
      if (!predicted) break;
      queue.push(launch(predicted));
      last = predicted;
    }
    yield page.records;
  }
}
