import { afterEach, describe, expect, it } from 'vitest';
import { safeUrl } from '../../src/sources/connectors/http/http-error';
import { createRequestLimiter } from '../../src/sources/connectors/http/http-limiter';
import { backoffDelay, parseRetryAfter } from '../../src/sources/connectors/http/http-retry';
import { nextLink } from '../../src/sources/connectors/rest-api/paginators';
import type { DangoPlatform } from '../../src/platform';
import { recordEvents, rows, type TestProject } from './helpers';
import { startFakeApi, type FakeApi, type SeenRequest } from './fake-api';
import { createSourcesProject } from './rows-helpers';

const KEY = 'qk-Secret-55aa01';
let api: FakeApi;
let project: TestProject;
let platform: DangoPlatform;

afterEach(async () => {
  await project?.close();
  await api?.close();
});

async function open(restApi: Record<string, unknown>, env = ''): Promise<DangoPlatform> {
  project = await createSourcesProject([{ name: 'api', type: 'rest_api', enabled: true, rest_api: restApi }], env);
  platform = await project.open();
  return platform;
}

const items = Array.from({ length: 7 }, (_, i) => ({ n: i + 1 }));
const slice = (from: number, count: number) => items.slice(from, from + count);

/** One endpoint per paginator style over the same 7 items. */
function pagedHandler(req: SeenRequest) {
  if (req.url.searchParams.get('api_key') !== KEY) return { status: 401, body: { detail: `bad key ${req.url.searchParams.get('api_key')}` } };
  const q = req.url.searchParams;
  const base = `http://${req.headers.host}`;
  switch (req.url.pathname) {
    case '/offset':
      return { body: { results: slice(Number(q.get('skip')), Number(q.get('take'))), total: 7 } };
    case '/offset-no-total':
      return { body: { results: slice(Number(q.get('offset')), Number(q.get('limit'))) } };
    case '/pages': {
      const page = Number(q.get('p'));
      return { body: { items: slice((page - 1) * 3, 3), total_pages: 3 } };
    }
    case '/link': {
      const at = Number(q.get('at') ?? 0);
      const headers: Record<string, string> = at + 3 < 7 ? { link: `<${base}/link?at=${at + 3}>; rel="next", <${base}/link?at=0>; rel="first"` } : {};
      return { headers, body: slice(at, 3) };
    }
    case '/cursor': {
      const at = Number(q.get('after') ?? 0);
      return { body: { entries: slice(at, 3), meta: { next: at + 3 < 7 ? String(at + 3) : null } } };
    }
    case '/auto-json': {
      const at = Number(q.get('at') ?? 0);
      return { body: { data: slice(at, 3), next: at + 3 < 7 ? `/auto-json?at=${at + 3}` : null } };
    }
    case '/auto-cursor': {
      const at = Number(q.get('cursor') ?? 0);
      return { body: { data: slice(at, 3), next_cursor: at + 3 < 7 ? String(at + 3) : '' } };
    }
    default:
      return { status: 404, body: { detail: 'no route' } };
  }
}

describe('rest_api paginators and auth', () => {
  it('follows every paginator type to the same 7 rows, with the api key in the query', async () => {
    api = await startFakeApi(pagedHandler);
    const resource = (name: string, p: string, paginator?: unknown) => ({ name, endpoint: { path: p, ...(paginator ? { paginator } : {}) } });
    await open(
      {
        client: { base_url: api.url, auth: { type: 'api_key', name: 'api_key', location: 'query', key_env: 'API_KEY' } },
        resources: [
          resource('offset', 'offset', { type: 'offset', limit: 3, offset_param: 'skip', limit_param: 'take', total_path: 'total' }),
          resource('offset_no_total', 'offset-no-total', { type: 'offset', limit: 3 }),
          resource('pages', 'pages', { type: 'page_number', page_param: 'p', total_path: 'total_pages' }),
          resource('link', 'link', 'header_link'),
          resource('cursor', 'cursor', { type: 'cursor', cursor_path: 'meta.next', cursor_param: 'after' }),
          resource('auto_link', 'link'),
          resource('auto_json', 'auto-json'),
          resource('auto_cursor', 'auto-cursor'),
        ],
      },
      `API_KEY=${KEY}\n`,
    );
    expect(await platform.sync('api')).toMatchObject({ status: 'success', rows_processed: 56 });
    for (const table of ['offset', 'offset_no_total', 'pages', 'link', 'cursor', 'auto_link', 'auto_json', 'auto_cursor']) {
      expect(await rows(platform, `SELECT list(n ORDER BY n)::VARCHAR AS ns FROM raw_api.${table}`), table).toEqual([{ ns: '[1, 2, 3, 4, 5, 6, 7]' }]);
    }
    const count = (p: string) => api.requests.filter((r) => r.url.pathname === p).length;
    // With a total the offset paginator stops at it. Without one it needs an empty page to know the end,
    // and its requests ahead (client concurrency 4: up to 3 past the current one) go out before that.
    expect([count('/offset'), count('/offset-no-total'), count('/pages'), count('/link'), count('/cursor')]).toEqual([3, 4 + 3, 3, 3 * 2, 3]);
  });

  it('gives up with a redacted URL when the key is refused', async () => {
    api = await startFakeApi(pagedHandler);
    await open(
      { client: { base_url: api.url, auth: { type: 'api_key', name: 'api_key', location: 'query', key_env: 'API_KEY' } }, resources: [{ name: 'x', endpoint: 'offset' }] },
      'API_KEY=wrong-key-123456\n',
    );
    const result = await platform.sync('api');
    expect(result.error_message).toMatch(/^HTTP 401 from GET http:\/\/127\.0\.0\.1:\d+\/offset\?api_key=\*{8}: \{"detail":"bad key \*{8}"\}$/);
  });

  it('fetches an OAuth2 client-credentials token, reuses it and renews it once after a 401', async () => {
    let issued = 0;
    api = await startFakeApi((req) => {
      if (req.url.pathname === '/token') {
        const form = new URLSearchParams(req.body);
        if (form.get('client_secret') !== 'cs-Secret-9911' || form.get('grant_type') !== 'client_credentials') return { status: 401, body: { error: 'invalid_client' } };
        return { body: { access_token: `tok-${++issued}-abcdef`, expires_in: 3600 } };
      }
      const page = Number(req.url.searchParams.get('page'));
      // The first token "expires" after the first page.
      const valid = page === 1 ? 'Bearer tok-1-abcdef' : 'Bearer tok-2-abcdef';
      if (req.headers.authorization !== valid) return { status: 401, body: { error: 'expired' } };
      return { body: { data: page <= 3 ? [{ page }] : [] } };
    });
    await open(
      {
        client: {
          base_url: api.url,
          auth: { type: 'oauth2_client_credentials', token_url: `${api.url}/token`, client_id_env: 'CID', client_secret_env: 'CSECRET' },
          paginator: { type: 'page_number', base_page: 1 },
        },
        resources: [{ name: 'pages', endpoint: 'things' }],
      },
      'CID=client-1\nCSECRET=cs-Secret-9911\n',
    );
    expect(await platform.sync('api')).toMatchObject({ status: 'success', rows_processed: 3 });
    expect(issued).toBe(2);
    expect(api.requests.map((r) => r.url.pathname).filter((p) => p === '/token')).toHaveLength(2);
  });

  it('reports progress every 100 pages of a long resource', async () => {
    api = await startFakeApi((req) => {
      const page = Number(req.url.searchParams.get('page'));
      return { body: { data: page <= 250 ? [{ page }] : [], pages: 250 } };
    });
    await open({ client: { base_url: api.url, paginator: { type: 'page_number', total_path: 'pages' } }, resources: [{ name: 'long', endpoint: 'long' }] });
    const events = recordEvents(platform, ['sync_progress']);
    expect(await platform.sync('api')).toMatchObject({ status: 'success', rows_processed: 250 });
    expect(events.filter((e) => e.message.startsWith('Read ')).map((e) => [e.message, (e as { rows?: number }).rows])).toEqual([
      ['Read 100 rows of long', 100], ['Read 200 rows of long', 200], ['Read long', undefined],
    ]);
    // A known total bounds the pages requested ahead: none past page 250.
    expect(api.requests).toHaveLength(250);
    api.requests.length = 0;
    expect(await platform.checkSource('api')).toMatchObject({ ok: true, tables: [{ name: 'long', columns: [{ name: 'page', type: 'BIGINT' }] }] });
    expect(api.requests).toHaveLength(1);
  });

  it('keeps concurrent child requests within the client concurrency', async () => {
    let inFlight = 0;
    let most = 0;
    api = await startFakeApi(async (req) => {
      if (req.url.pathname === '/parents') return { body: Array.from({ length: 8 }, (_, i) => ({ id: i + 1 })) };
      inFlight++;
      most = Math.max(most, inFlight);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return { body: [{ child_of: Number(/\/parents\/(\d+)/.exec(req.url.pathname)![1]) }] };
    });
    await open({
      client: { base_url: api.url, concurrency: 3 },
      resources: [{ name: 'parents', endpoint: 'parents' }, { name: 'kids', endpoint: 'parents/{resources.parents.id}/kids' }],
    });
    expect(await platform.sync('api')).toMatchObject({ status: 'success', rows_processed: 16 });
    expect(most).toBeLessThanOrEqual(3);
    expect(most).toBeGreaterThan(1);
    expect(await rows(platform, 'SELECT count(*)::INTEGER AS n FROM raw_api.kids WHERE child_of = _parents_id')).toEqual([{ n: 8 }]);
  });
});

describe('HTTP helpers', () => {
  it('reads Retry-After as seconds or an HTTP-date', () => {
    const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:05 GMT', now)).toBe(5000);
    expect(parseRetryAfter('Wed, 21 Oct 2015 07:27:00 GMT', now)).toBe(0);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });

  it('backs off exponentially with jitter under a ceiling', () => {
    const o = { baseMs: 100, maxMs: 1000 };
    expect([0, 1, 2, 3, 9].map((n) => backoffDelay(n, o, () => 0))).toEqual([50, 100, 200, 400, 500]);
    expect([0, 1, 2, 3, 9].map((n) => backoffDelay(n, o, () => 1))).toEqual([100, 200, 400, 800, 1000]);
  });

  it('limits requests in flight and spaces their starts by the rate', async () => {
    const limiter = createRequestLimiter(2, 50);
    let inFlight = 0;
    let most = 0;
    const starts: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const jobs = Array.from({ length: 5 }, () =>
      limiter.run(async () => {
        starts.push(performance.now());
        most = Math.max(most, ++inFlight);
        await gate;
        inFlight--;
      }),
    );
    while (starts.length < 2) await new Promise((r) => setImmediate(r));
    expect(starts).toHaveLength(2);
    release();
    await Promise.all(jobs);
    expect(most).toBe(2);
    // 50 a second: the i-th start comes at least i * 20 ms after the first (a start recorded late, after
    // its turn, only makes a later gap larger, so this compares with the first, which never waits).
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[0]!).toBeGreaterThanOrEqual(i * 20 - 1);
  });

  it('finds rel="next" in RFC 8288 Link headers', () => {
    expect(nextLink('<https://a/x?page=2>; rel="next", <https://a/x?page=9>; rel="last"')).toBe('https://a/x?page=2');
    expect(nextLink('<https://a/1>; rel="prev first", <https://a/3>; title="n, m"; rel=next')).toBe('https://a/3');
    expect(nextLink('<https://a/9>; rel="last"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });

  it('shows URLs without credentials or secret-looking parameters', () => {
    expect(safeUrl('https://u:p@api.test/v1/x?access_token=abc&page=2&sig=zz&q=s3cr3tvalue', ['s3cr3tvalue'])).toBe('https://api.test/v1/x?access_token=********&page=2&sig=********&q=********');
  });
});
