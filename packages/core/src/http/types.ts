import type { UploadInput } from '../sources/types';

/** HTTP methods the route table uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Header values as Node gives them (lower-case names). */
export type HeaderMap = Readonly<Record<string, string | string[] | undefined>>;

/**
 * Core's own request shape, built once per request by the Node plumbing; no Web `Request` per call.
 * `path` is relative to the mount prefix and always starts with `/`.
 */
export interface DangoRequest {
  readonly method: string;
  readonly path: string;
  /** The mount prefix (`''` or e.g. `/dango`), for links in generated pages. */
  readonly prefix: string;
  readonly query: URLSearchParams;
  readonly headers: HeaderMap;
  /** The JSON body, or undefined when the request has none; prefers a body the host already parsed. */
  body(): Promise<unknown>;
  /** The multipart file part named `field`, streamed (resolves as soon as the part starts). */
  file(field: string): Promise<UploadInput>;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /** Where the client reached Dango (`http://host:port/prefix`, or the mount's `publicUrl`); null without a Host header. */
  readonly baseUrl: string | null;
}

/** A JSON answer. */
export interface JsonResponse {
  kind: 'json';
  status: number;
  headers?: Record<string, string>;
  value: unknown;
  /** `value` already serialised (a memoised answer), so the writer need not stringify it again. */
  text?: string;
}

/** A text or byte answer held in memory (pages, small assets). */
export interface BytesResponse {
  kind: 'bytes';
  status: number;
  headers: Record<string, string>;
  body: string | Uint8Array;
}

/** A file on disk, streamed by the Node writer. */
export interface FileResponse {
  kind: 'file';
  status: number;
  headers: Record<string, string>;
  path: string;
}

/** Core's own response shape; the Node writer turns it into bytes on the wire. */
export type DangoResponse = JsonResponse | BytesResponse | FileResponse;

/** A JSON response. */
export function jsonResponse(status: number, value: unknown, headers?: Record<string, string>): JsonResponse {
  return { kind: 'json', status, value, headers };
}

/** The one error body shape of the API reference: `{"detail": "..."}`. */
export function errorResponse(status: number, detail: string, headers?: Record<string, string>): JsonResponse {
  return jsonResponse(status, { detail }, headers);
}
