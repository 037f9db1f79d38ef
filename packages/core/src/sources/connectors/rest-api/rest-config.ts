import { z } from 'zod';

const envName = z.string().min(1);
/** An http(s) URL (fetch reads no other scheme). */
export const httpUrl = z.url({ protocol: /^https?$/, error: 'an http:// or https:// URL' });
const path = z.string().min(1);
/** A YAML shorthand: `paginator: json_link` means `{ type: json_link }`. */
const typeShorthand = (v: unknown) => (typeof v === 'string' ? { type: v } : v);

/** How requests are authenticated; secrets are named by `*_env` keys. */
export const restAuthSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('bearer'), token_env: envName }),
  z.strictObject({
    type: z.literal('api_key'),
    name: z.string().min(1).default('Authorization'),
    location: z.enum(['header', 'query']).default('header'),
    key_env: envName,
  }),
  z
    .strictObject({ type: z.literal('http_basic'), username: z.string().optional(), username_env: envName.optional(), password_env: envName })
    .refine((a) => (a.username === undefined) !== (a.username_env === undefined), { message: 'set username or username_env (one of them)' }),
  z.strictObject({
    type: z.literal('oauth2_client_credentials'),
    token_url: httpUrl,
    client_id_env: envName,
    client_secret_env: envName,
    scope: z.string().optional(),
  }),
]);

/** How the pages of a resource follow each other (dlt's paginator types). */
export const paginatorSchema = z.preprocess(
  typeShorthand,
  z.discriminatedUnion('type', [
    z.strictObject({ type: z.literal('auto') }),
    z.strictObject({ type: z.literal('single_page') }),
    z.strictObject({ type: z.literal('json_link'), next_url_path: path.default('next') }),
    z.strictObject({ type: z.literal('header_link'), links_next_key: z.string().min(1).default('next') }),
    z.strictObject({
      type: z.literal('offset'),
      limit: z.number().int().positive(),
      offset: z.number().int().min(0).default(0),
      offset_param: z.string().min(1).default('offset'),
      limit_param: z.string().min(1).default('limit'),
      total_path: path.optional(),
      maximum_offset: z.number().int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('page_number'),
      base_page: z.number().int().min(0).default(1),
      page_param: z.string().min(1).default('page'),
      total_path: path.optional(),
      maximum_page: z.number().int().positive().optional(),
    }),
    z.strictObject({
      type: z.literal('cursor'),
      cursor_path: path.default('cursors.next'),
      cursor_param: z.string().min(1).default('cursor'),
      /** `last_record`: the cursor is read from the page's last record (Stripe's `starting_after` = the last id). */
      cursor_from: z.enum(['body', 'last_record']).default('body'),
      /** When set, paging stops once this body value is false. */
      has_more_path: path.optional(),
    }),
  ]),
);

const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** Incremental loading: the cursor's last value goes into `start_param` of the next sync. */
export const incrementalSchema = z.strictObject({
  cursor_path: path,
  start_param: z.string().min(1),
  end_param: z.string().min(1).optional(),
  /** The first sync's start; a number makes `start_date`/`end_date` go out as Unix seconds, else ISO 8601. */
  initial_value: z.union([z.string(), z.number()]).optional(),
  end_value: z.union([z.string(), z.number()]).optional(),
});

const endpointSchema = z.strictObject({
  path,
  params: z.record(z.string(), scalar).default({}),
  data_selector: path.optional(),
  paginator: paginatorSchema.optional(),
  incremental: incrementalSchema.optional(),
});

const keyList = z.union([path, z.array(path).min(1)]).transform((k) => [k].flat());

/** One resource: one endpoint, one table `raw_<source>.<name>`. */
export const resourceSchema = z.strictObject({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a lower-case identifier (it names the table raw_<source>.<name>)'),
  endpoint: z.preprocess((v) => (typeof v === 'string' ? { path: v } : v), endpointSchema),
  primary_key: keyList.optional(),
  write_disposition: z.enum(['replace', 'append', 'merge']).optional(),
  max_nesting: z.number().int().min(0).max(10).optional(),
});

/** The `rest_api:` block (dlt's `rest_api` shape); unknown keys are rejected. */
export const restApiConfigSchema = z
  .strictObject({
    client: z.strictObject({
      base_url: httpUrl,
      headers: z.record(z.string(), z.string()).default({}),
      auth: restAuthSchema.optional(),
      paginator: paginatorSchema.default({ type: 'auto' }),
      timeout_seconds: z.number().positive().default(30),
      max_retries: z.number().int().min(0).max(20).default(5),
      retry_backoff_seconds: z.number().min(0).default(1),
      concurrency: z.number().int().min(1).max(64).default(4),
      requests_per_second: z.number().positive().optional(),
    }),
    resources: z.array(resourceSchema).min(1),
    /** Nested objects become `parent__child` columns this deep; deeper values and lists stay JSON. */
    max_nesting: z.number().int().min(0).max(10).default(2),
  })
  .superRefine((config, ctx) => {
    const seen = new Map<string, number>();
    config.resources.forEach((r, i) => {
      if (seen.has(r.name)) ctx.addIssue({ code: 'custom', path: ['resources', i, 'name'], message: `resource ${r.name} is defined twice` });
      const refs = parentRefs(r.endpoint.path, r.endpoint.params);
      const parents = new Set(refs.map((ref) => ref.parent));
      if (parents.size > 1) ctx.addIssue({ code: 'custom', path: ['resources', i, 'endpoint', 'path'], message: 'a child resource refers to one parent resource' });
      for (const parent of parents) {
        if (!seen.has(parent)) ctx.addIssue({ code: 'custom', path: ['resources', i, 'endpoint', 'path'], message: `refers to resource ${parent}, which must be listed before it` });
      }
      if (r.write_disposition === 'merge' && !r.primary_key) {
        ctx.addIssue({ code: 'custom', path: ['resources', i, 'write_disposition'], message: 'merge needs a primary_key' });
      }
      seen.set(r.name, i);
    });
  });

/** A `rest_api` block, defaulted. */
export type RestApiConfig = z.output<typeof restApiConfigSchema>;
/** One resource, defaulted. */
export type RestResource = RestApiConfig['resources'][number];
/** A paginator spec, defaulted. */
export type PaginatorSpec = z.output<typeof paginatorSchema>;
/** An auth spec, defaulted. */
export type RestAuth = z.output<typeof restAuthSchema>;

const REF = /\{resources\.([A-Za-z_][A-Za-z0-9_]*)\.([^}]+)\}/g;

/** A `{resources.<parent>.<field>}` placeholder of a child resource. */
export interface ParentRef {
  parent: string;
  field: string;
}

/** The parent references in a resource's path and params. */
export function parentRefs(path: string, params: Record<string, unknown>): ParentRef[] {
  const texts = [path, ...Object.values(params).filter((v): v is string => typeof v === 'string')];
  return texts.flatMap((t) => [...t.matchAll(REF)].map((m) => ({ parent: m[1]!, field: m[2]! })));
}

/** Replaces the parent placeholders of `text` with a parent record's values (`encode` for paths). */
export function fillParentRefs(text: string, values: Record<string, unknown>, encode: (s: string) => string): string {
  return text.replace(REF, (_, _parent: string, field: string) => encode(String(values[field] ?? '')));
}
