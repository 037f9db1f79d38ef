import { z } from 'zod';
import { ERROR_CODE_HEADER } from '../errors';
import type { AnyRoute } from './route';
import { errorSchema } from './schemas/common';

type JsonSchema = Record<string, unknown>;

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: 'Bad request (invalid parameters)',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Resource not found',
  409: 'Conflict (e.g., sync already in progress)',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'A model, seed, test or hook failed when run (RUN_FAILED)',
  500: "Internal server error (INTERNAL), or the project's files are invalid (CONFIG_INVALID; the detail names file and key)",
  502: 'A service Dango calls or proxies is unavailable (UPSTREAM)',
};

/** Every error answer names its code in this header: two codes share 500, so the status alone cannot. */
const ERROR_HEADERS = {
  [ERROR_CODE_HEADER]: { description: 'The error code (BAD_REQUEST, NOT_FOUND, CONFIG_INVALID, RUN_FAILED, UPSTREAM, INTERNAL, ...)', schema: { type: 'string' } },
};

/** Options of the generated document. */
export interface OpenApiOptions {
  /** The Dango version, as `info.version`. */
  version: string;
  /** The mount prefix; the document's server URL, so "Try it out" works under any prefix. */
  prefix: string;
}

function toSchema(schema: z.ZodType): JsonSchema {
  // Inputs and outputs are both described in their wire form (before transforms), as clients see them.
  const json = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  delete json.$schema;
  return json;
}

function parametersOf(where: 'path' | 'query', schema: z.ZodType | undefined): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema);
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(props).map(([name, prop]) => {
    const { description, ...rest } = prop;
    return { name, in: where, required: where === 'path' || required.has(name), ...(description ? { description } : {}), schema: rest };
  });
}

function requestBodyOf(route: AnyRoute): JsonSchema | undefined {
  if (route.input.file) {
    const field = route.input.file;
    const schema = { type: 'object', properties: { [field]: { type: 'string', format: 'binary', contentMediaType: 'text/csv' } }, required: [field] };
    return { required: true, content: { 'multipart/form-data': { schema } } };
  }
  if (!route.input.body) return undefined;
  return { required: !route.input.bodyOptional, content: { 'application/json': { schema: toSchema(route.input.body) } } };
}

function responsesOf(route: AnyRoute): JsonSchema {
  const responses: JsonSchema = {
    [String(route.status ?? 200)]: { description: 'Successful response', content: { 'application/json': { schema: toSchema(route.response) } } },
  };
  for (const status of [...(route.errors ?? []), 500]) {
    responses[String(status)] = {
      description: ERROR_DESCRIPTIONS[status] ?? 'Error',
      headers: ERROR_HEADERS,
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
  }
  return responses;
}

/** The OpenAPI 3.1 document of a route table. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], options: OpenApiOptions): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const route of routes) {
    const operation: JsonSchema = {
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: route.tags,
      parameters: [...parametersOf('path', route.input.params), ...parametersOf('query', route.input.query)],
      responses: responsesOf(route),
    };
    const body = requestBodyOf(route);
    if (body) operation.requestBody = body;
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Dango API',
      version: options.version,
      description: 'REST API of the Dango data platform. Live events: WebSocket at `/ws`.',
    },
    servers: [{ url: options.prefix || '/' }],
    tags: [...new Set(routes.flatMap((r) => r.tags))].map((name) => ({ name })),
    paths,
    components: { schemas: { Error: toSchema(errorSchema) } },
  };
}
