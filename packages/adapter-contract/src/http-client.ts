import { request } from 'node:http';

/** A finished HTTP exchange: status, headers, the raw text and the JSON value when the body is JSON. */
export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
}

/** `fetch` options plus `json`, sent compact with `content-type: application/json`. */
export type CallInit = RequestInit & { json?: unknown };

/** Sends one request and reads the whole answer. */
export async function call(url: string, init: CallInit = {}): Promise<Reply> {
  const { json, ...rest } = init;
  const headers = new Headers(rest.headers);
  if (json !== undefined) headers.set('content-type', 'application/json');
  const res = await fetch(url, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
  const text = await res.text();
  const isJson = (res.headers.get('content-type') ?? '').includes('json');
  return { status: res.status, headers: res.headers, text, json: isJson && text ? JSON.parse(text) : undefined };
}

/** A multipart form with one file field (default name `file`), as a browser or curl `-F` sends it. */
export function csvForm(filename: string, content: string, field = 'file'): FormData {
  const form = new FormData();
  form.append(field, new Blob([content], { type: 'text/csv' }), filename);
  return form;
}

/**
 * Sends one request with an exact `Host` header (fetch always replaces it with the URL's), as a page on a
 * rebinding domain would send it; resolves with the status and the parsed JSON body.
 */
export function callWithHost(url: string, host: string, init: { method?: string; headers?: Record<string, string> } = {}): Promise<{ status: number; json: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any -- tests read arbitrary JSON shapes
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: { ...init.headers, host } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const isJson = (res.headers['content-type'] ?? '').includes('json');
        resolve({ status: res.statusCode ?? 0, json: isJson && text ? JSON.parse(text) : undefined });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}
