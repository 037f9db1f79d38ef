import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** A finished HTTP answer: status, one header by name, and the body as text. */
export interface HttpAnswer {
  status: number;
  header(name: string): string | null;
  text: string;
}

/** What `sendRequest` sends. */
export interface HttpRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Gives up (rejecting) after this many milliseconds. */
  timeoutMs?: number;
}

/**
 * One HTTP request with Node's own `http`/`https` client. The CLI's calls to a local server go through
 * it instead of `fetch`, whose first use loads and sets up undici (~50 ms, a large part of a
 * `dango status` that otherwise only waits for two small answers).
 */
export function sendRequest(url: URL, options: HttpRequestOptions = {}): Promise<HttpAnswer> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: options.method ?? 'GET', headers: options.headers, timeout: options.timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          header: (name) => {
            const value = res.headers[name.toLowerCase()];
            return value === undefined ? null : Array.isArray(value) ? value.join(', ') : value;
          },
          text,
        });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${options.timeoutMs} ms`)));
    req.on('error', reject);
    req.end(options.body);
  });
}
