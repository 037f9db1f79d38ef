import { stripeTemplate } from './source-template';
import { readSecret } from '../../secrets';
import { defineConnector, type CheckContext } from '../connector';
import { checkRest, prepareRest, type RestHooks } from '../rest-api/rest-api';
import { restApiConfigSchema, type RestApiConfig } from '../rest-api/rest-config';
import { STRIPE_API_VERSION, stripeConfigSchema, type StripeConfig } from './stripe-config';

const DAY = 86_400;
const epoch = (date: string): number => Date.parse(`${date}T00:00:00Z`) / 1000;

/** Extra list parameters per endpoint: subscriptions lists only live ones unless asked for all. */
const EXTRA_PARAMS: Record<string, Record<string, string>> = { subscriptions: { status: 'all' } };

/**
 * The Stripe block as a `rest_api` config: `GET /v1/<endpoint>?limit=100`, pages chained with
 * `starting_after` = the last object's id while `has_more`, incremental on `created`
 * (`created[gte]`/`created[lte]`), merged on `id`, with a pinned `Stripe-Version`.
 */
export function stripeRestConfig(config: StripeConfig): RestApiConfig {
  return restApiConfigSchema.parse({
    client: {
      base_url: `${config.api_base.replace(/\/+$/, '')}/v1/`,
      headers: { 'Stripe-Version': STRIPE_API_VERSION },
      auth: { type: 'bearer', token_env: 'stripe_secret_key_env' },
      paginator: { type: 'cursor', cursor_path: 'id', cursor_param: 'starting_after', cursor_from: 'last_record', has_more_path: 'has_more' },
      max_retries: config.max_retries,
      retry_backoff_seconds: config.retry_backoff_seconds,
    },
    resources: config.endpoints.map((name) => ({
      name,
      endpoint: {
        path: name,
        params: { limit: 100, ...EXTRA_PARAMS[name] },
        data_selector: 'data',
        incremental: {
          cursor_path: 'created',
          start_param: 'created[gte]',
          end_param: 'created[lte]',
          initial_value: config.start_date ? epoch(config.start_date) : 0,
          ...(config.end_date ? { end_value: epoch(config.end_date) + DAY - 1 } : {}),
        },
      },
      primary_key: 'id',
      write_disposition: 'merge',
    })),
  });
}

/** Stripe's error body (`{"error": {"message", "type"}}`) as a sentence; a refused key says so. */
export function describeStripeError(status: number, body: string): string | undefined {
  let error: { message?: unknown; type?: unknown } | undefined;
  try {
    error = (JSON.parse(body) as { error?: typeof error }).error;
  } catch {
    return undefined;
  }
  if (!error || typeof error.message !== 'string') return undefined;
  if (status === 401) return `Stripe refused the API key (401): ${error.message}`;
  if (status === 403) return `Stripe refused access (403): ${error.message}`;
  return `Stripe error ${status}${typeof error.type === 'string' ? ` (${error.type})` : ''}: ${error.message}`;
}

const hooks = (ctx: CheckContext): RestHooks => ({ read: () => readSecret(ctx, 'stripe_secret_key_env'), describe: describeStripeError });

/** The `stripe` source type: Stripe's list endpoints, one table each, built on the `rest_api` connector's client. */
export const stripeConnector = defineConnector({
  type: 'stripe',
  configSchema: stripeConfigSchema,
  sourceTemplate: stripeTemplate,
  prepare: (ctx, config) => prepareRest(ctx, stripeRestConfig(config), hooks(ctx)),
  check: (ctx, config) => checkRest(stripeRestConfig(config), hooks(ctx)),
});
