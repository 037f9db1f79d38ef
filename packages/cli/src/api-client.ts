import { DangoError, ERROR_CODE_HEADER, isDangoErrorCode, type DangoErrorCode } from '@dango/core/lite';
import type { EventStream } from './event-stream';
import { sendRequest, type HttpAnswer } from './http-request';

/**
 * The code of an error answer: the server names it in a header; a status alone cannot, as codes share
 * statuses (500 is CONFIG_INVALID or INTERNAL), so without the header a 5xx is INTERNAL and a 4xx BAD_REQUEST.
 */
export function errorCodeOf(status: number, header: string | null): DangoErrorCode {
  if (isDangoErrorCode(header)) return header;
  if (status === 502 || status === 503 || status === 504) return 'UPSTREAM';
  const byStatus: Record<number, DangoErrorCode> = { 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 409: 'CONFLICT', 413: 'PAYLOAD_TOO_LARGE' };
  return byStatus[status] ?? (status >= 500 ? 'INTERNAL' : 'BAD_REQUEST');
}

/** A small client for a running Dango server's REST API and `/ws`, with the bearer token when one is set. */
export class ApiClient {
  constructor(
    /** The server's base URL, e.g. `http://127.0.0.1:8800`. */
    readonly baseUrl: string,
    private readonly token?: string,
  ) {}

  /** GETs a JSON resource. */
  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** POSTs a JSON body and returns the JSON answer. */
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  /** Opens `/ws` and resolves once the socket is open; events are buffered from then on. */
  async events(): Promise<EventStream> {
    const url = new URL('/ws', this.baseUrl);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    // `ws` loads only for commands that follow events (sync, run), not for `status`.
    const { EventStream } = await import('./event-stream');
    return EventStream.open(url.href, this.headers());
  }

  private headers(): Record<string, string> {
    return this.token ? { authorization: `Bearer ${this.token}` } : {};
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = new URL(path, this.baseUrl);
    let res: HttpAnswer;
    try {
      res = await sendRequest(url, {
        method,
        headers: { ...this.headers(), accept: 'application/json', ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new DangoError('UPSTREAM', `Cannot reach the Dango server at ${this.baseUrl}: ${(err as Error).message}`);
    }
    const text = res.text;
    let data: unknown = null;
    try {
      data = text ? JSON.parse(text) : null;
    } catch {
      /* a non-JSON answer keeps its text for the message below */
    }
    if (res.status >= 200 && res.status < 300) return data as T;
    if (res.status === 401) {
      throw new DangoError('UNAUTHORIZED', this.token
        ? `The Dango server at ${this.baseUrl} rejected DANGO_API_TOKEN`
        : `The Dango server at ${this.baseUrl} requires a token: set DANGO_API_TOKEN`);
    }
    const detail = (data as { detail?: unknown } | null)?.detail;
    const message = typeof detail === 'string' ? detail : `${method} ${url.pathname} answered ${res.status} ${text.slice(0, 200)}`;
    throw new DangoError(errorCodeOf(res.status, res.header(ERROR_CODE_HEADER)), message);
  }
}
