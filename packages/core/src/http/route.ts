import type { z } from 'zod';
import type { DangoPlatform } from '../platform';
import type { UploadInput } from '../sources/types';
import type { DangoRequest, HttpMethod } from './types';

type Schema = z.ZodType;
type Parsed<S> = S extends Schema ? z.output<S> : undefined;

/** What a handler receives: validated params, query and body, and the streamed file for uploads. */
export interface RouteInput<P, Q, B> {
  params: Parsed<P>;
  query: Parsed<Q>;
  body: Parsed<B>;
  /** The multipart file part, for routes that declare `input.file`. */
  file: UploadInput | undefined;
  /** The request itself, for the rare route that answers about how it was reached. */
  request: DangoRequest;
}

/** One endpoint, declared once as data; it feeds the router, validation and the OpenAPI document. */
export interface RouteDef<P extends Schema | undefined = Schema | undefined, Q extends Schema | undefined = Schema | undefined, B extends Schema | undefined = Schema | undefined, R extends Schema = Schema> {
  method: HttpMethod;
  /** OpenAPI-style template: `/api/sources/{source_name}/sync`. */
  path: string;
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  input: {
    params?: P;
    query?: Q;
    body?: B;
    /** Whether the JSON body may be absent (then `{}` is validated). */
    bodyOptional?: boolean;
    /** Name of the multipart field holding an uploaded file. */
    file?: string;
  };
  response: R;
  /** The answer is polled and rarely changes (the status): its JSON text is reused while it is the same. */
  memoizeJson?: boolean;
  /** Success status (default 200). */
  status?: number;
  /** Error statuses this route can answer, for the docs. */
  errors?: number[];
  handler(platform: DangoPlatform, input: RouteInput<P, Q, B>): z.input<R> | Promise<z.input<R>>;
}

/** A route with its schema types erased, as the router stores it. */
export type AnyRoute = RouteDef<Schema | undefined, Schema | undefined, Schema | undefined, Schema>;

/** Declares a route with its handler typed from its schemas. */
export function defineRoute<P extends Schema | undefined = undefined, Q extends Schema | undefined = undefined, B extends Schema | undefined = undefined, R extends Schema = Schema>(
  route: RouteDef<P, Q, B, R>,
): AnyRoute {
  return route as unknown as AnyRoute;
}
