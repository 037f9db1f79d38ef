import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DangoRequest, HeaderMap } from '../http/types';
import { readJsonBody } from './json-body';
import { openMultipartFile, type MultipartLimits, type MultipartUpload } from './multipart';

/** The per-mount settings every Node request shares (built once by the mount, not per request). */
export interface NodeRequestSettings {
  prefix: string;
  /** The configured public URL of the mount, which wins over the request's Host. */
  publicUrl?: string;
  maxJsonBytes: number;
  upload: MultipartLimits;
}

/**
 * Core's request over a Node `IncomingMessage`, plus `finish()` to run once the answer is written.
 * A class, so a request costs one object: headers, query, body, upload and abort signal are built on first use.
 */
export class NodeDangoRequest implements DangoRequest {
  readonly method: string;
  readonly prefix: string;
  private queryParams: URLSearchParams | undefined;
  private controller: AbortController | undefined;
  private upload: MultipartUpload | undefined;
  private bodyRead: Promise<unknown> | undefined;

  constructor(
    private readonly req: IncomingMessage,
    private readonly res: ServerResponse,
    private readonly settings: NodeRequestSettings,
    /** Path relative to the prefix, without the query string. */
    readonly path: string,
    /** The query string without `?`. */
    private readonly search: string,
    private readonly parsedBody: unknown,
  ) {
    this.method = req.method ?? 'GET';
    this.prefix = settings.prefix;
  }

  /** Node builds `req.headers` from the raw header list on first access, so routes that never read a header skip that work. */
  get headers(): HeaderMap {
    return this.req.headers;
  }

  get baseUrl(): string | null {
    if (this.settings.publicUrl) return this.settings.publicUrl;
    const host = this.req.headers.host;
    if (!host) return null;
    const secure = (this.req.socket as { encrypted?: boolean }).encrypted === true;
    return `${secure ? 'https' : 'http'}://${host}${this.prefix}`;
  }

  get query(): URLSearchParams {
    return (this.queryParams ??= new URLSearchParams(this.search));
  }

  get signal(): AbortSignal {
    if (!this.controller) {
      const ctl = (this.controller = new AbortController());
      const res = this.res;
      res.once('close', () => {
        if (!res.writableFinished) ctl.abort(new Error('The client closed the connection'));
      });
    }
    return this.controller.signal;
  }

  body(): Promise<unknown> {
    return (this.bodyRead ??= readJsonBody(this.req, this.parsedBody, this.settings.maxJsonBytes));
  }

  file(field: string): ReturnType<DangoRequest['file']> {
    this.upload ??= openMultipartFile(this.req, field, this.settings.upload);
    return this.upload.file;
  }

  /** Stops upload parsing and drains what the client still sends, so the connection stays usable. */
  finish(): void {
    const req = this.req;
    if (this.upload) this.upload.dispose();
    // A body left unread (refused before reading, or over the JSON limit) is drained, not reset.
    else if (!req.complete && !req.readableFlowing) req.resume();
  }
}
