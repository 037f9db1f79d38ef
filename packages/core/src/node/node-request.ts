import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DangoRequest } from '../http/types';
import { readJsonBody } from './json-body';
import { openMultipartFile, type MultipartLimits, type MultipartUpload } from './multipart';

/** Settings the Node request adapter needs. */
export interface NodeRequestOptions {
  prefix: string;
  /** Path relative to the prefix, without the query string. */
  path: string;
  /** The query string without `?`. */
  search: string;
  parsedBody: unknown;
  maxJsonBytes: number;
  upload: MultipartLimits;
}

/** Core's request over a Node `IncomingMessage`, plus `finish()` to run once the answer is written. */
export interface NodeDangoRequest extends DangoRequest {
  /** Stops upload parsing and drains what the client still sends, so the connection stays usable. */
  finish(): void;
}

/** Adapts a Node request to core's request shape; everything costly (query, body, signal) is lazy. */
export function createNodeRequest(req: IncomingMessage, res: ServerResponse, options: NodeRequestOptions): NodeDangoRequest {
  let query: URLSearchParams | undefined;
  let controller: AbortController | undefined;
  let upload: MultipartUpload | undefined;
  let bodyRead: Promise<unknown> | undefined;
  return {
    method: req.method ?? 'GET',
    path: options.path,
    prefix: options.prefix,
    headers: req.headers,
    get query() {
      return (query ??= new URLSearchParams(options.search));
    },
    get signal() {
      if (!controller) {
        const ctl = (controller = new AbortController());
        res.once('close', () => {
          if (!res.writableFinished) ctl.abort(new Error('The client closed the connection'));
        });
      }
      return controller.signal;
    },
    body() {
      return (bodyRead ??= readJsonBody(req, options.parsedBody, options.maxJsonBytes));
    },
    file(field) {
      upload ??= openMultipartFile(req, field, options.upload);
      return upload.file;
    },
    finish() {
      if (upload) upload.dispose();
      // A body left unread (refused before reading, or over the JSON limit) is drained, not reset.
      else if (!req.complete && !req.readableFlowing) req.resume();
    },
  };
}
