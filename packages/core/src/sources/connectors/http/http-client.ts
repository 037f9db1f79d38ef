import { setTimeout as sleep } from 'node:timers/promises';
import { bodySnippet, HttpError, safeUrl, scrub } from './http-error';
import { createRequestLimiter } from './http-limiter';
import { backoffDelay, isRetryableStatus, parseRetryAfter, type BackoffOptions } from './http-retry';

/** One request; `url` is absolute. */
export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A successful (2xx/3xx) response, its body read as text. */
export interface HttpResponse {
  status: number;
  url: string;
  headers: Headers;
  text: string;
  /** The body parsed as JSON; UPSTREAM naming the URL when it is not JSON. */
  json(): unknown;
}

/** How a request is authenticated: `apply` adds credentials to each attempt; `refresh` renews them after a 401 (once per request). */
export interface RequestAuth {
  apply(request: HttpRequest): Promise<HttpRequest> | HttpRequest;
  /** `failed` is the refused attempt, so concurrent refusals of one credential renew it once. */
  refresh?(failed: HttpRequest): Promise<void>;
}

/** Settings of one client (one per source per sync). */
export interface HttpClientOptions {
  timeoutMs: number;
  /** Tries after the first one for 429, 5xx, timeouts and network errors. */
  maxRetries: number;
  backoff: BackoffOptions;
  concurrency: number;
  requestsPerSecond?: number;
  /** Values never shown in a message; the auth may add more (an OAuth token) while the client runs. */
  secrets: string[];
  auth?: RequestAuth;
  /** A clearer message for a refused response (e.g. from an API's error body); undefined keeps the generic one. */
  describe?: (status: number, body: string) => string | undefined;
  /** The longest `Retry-After` honoured; a server asking for more makes the client give up at once. */
  maxRetryAfterMs?: number;
}

/** An HTTP client with timeouts, retries (backoff, jitter, `Retry-After`), limits and safe errors. */
export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
  readonly secrets: string[];
}

function networkReason(err: unknown): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError') return 'timed out';
  return e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err);
}

/** Creates a client; every failure it gives up on is an `HttpError` (UPSTREAM) without secrets. */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const limiter = createRequestLimiter(options.concurrency, options.requestsPerSecond);
  const maxRetryAfter = options.maxRetryAfterMs ?? 120_000;
  const secrets = options.secrets;
  const attemptsText = (n: number): string => (n > 1 ? ` after ${n} attempts` : '');

  async function send(request: HttpRequest): Promise<HttpResponse> {
    const method = request.method ?? 'GET';
    let refreshed = false;
    for (let attempt = 0; ; attempt++) {
      const req = options.auth ? await options.auth.apply(request) : request;
      const where = () => `${method} ${safeUrl(req.url, secrets)}`;
      let outcome: { status: number; headers: Headers; text: string; url: string } | { error: unknown };
      outcome = await limiter.run(async () => {
        try {
          const res = await fetch(req.url, { method, headers: req.headers, body: req.body, signal: AbortSignal.timeout(options.timeoutMs) });
          return { status: res.status, headers: res.headers, text: await res.text(), url: req.url };
        } catch (error) {
          return { error };
        }
      });
      const canRetry = attempt < options.maxRetries;
      if ('error' in outcome) {
        if (canRetry) {
          await sleep(backoffDelay(attempt, options.backoff));
          continue;
        }
        throw new HttpError(`Request failed: ${where()}: ${networkReason(outcome.error)}${attemptsText(attempt + 1)}`, 0);
      }
      const { status, text, headers } = outcome;
      if (status < 400) return { status, headers, text, url: outcome.url, json: () => parseJson(text, where, secrets) };
      if (status === 401 && options.auth?.refresh && !refreshed) {
        refreshed = true;
        await options.auth.refresh(req);
        attempt--;
        continue;
      }
      const asked = parseRetryAfter(headers.get('retry-after'));
      if (isRetryableStatus(status) && canRetry && (asked === undefined || asked <= maxRetryAfter)) {
        await sleep(asked ?? backoffDelay(attempt, options.backoff));
        continue;
      }
      const described = options.describe?.(status, text);
      const tooLong = asked !== undefined && asked > maxRetryAfter ? ` (the server asked to retry after ${Math.round(asked / 1000)} s)` : '';
      const message = described
        ? `${scrub(described, secrets)}${attemptsText(attempt + 1)}${tooLong} (${where()})`
        : `HTTP ${status} from ${where()}${attemptsText(attempt + 1)}${tooLong}: ${bodySnippet(text, secrets) || '(empty body)'}`;
      throw new HttpError(message, status);
    }
  }
  return { send, secrets };
}

function parseJson(text: string, where: () => string, secrets: readonly string[]): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(`The response of ${where()} is not JSON: ${bodySnippet(text, secrets, 120) || '(empty body)'}`, 200);
  }
}
