import { restApiTemplate } from './source-template';
import { readCursorState, stageRowTables } from '../../rows';
import { readSecret } from '../../secrets';
import { defineConnector, type CheckContext, type CheckResult, type ConnectorContext, type PreparedLoad } from '../connector';
import { createHttpClient } from '../http/http-client';
import { createRestAuth, type SecretReader } from './rest-auth';
import { restApiConfigSchema, type RestApiConfig } from './rest-config';
import { resourceTable, type RestRun } from './rest-resource';

/** What a preset built on this connector adds (Stripe): how secrets are read, how errors read, extra headers. */
export interface RestHooks {
  read: SecretReader;
  describe?: (status: number, body: string) => string | undefined;
}

/** One client for one sync or check: limits, retries and auth are per source. */
export function openRestRun(config: RestApiConfig, hooks: RestHooks): RestRun {
  const c = config.client;
  const secrets: string[] = [];
  const base = {
    timeoutMs: c.timeout_seconds * 1000,
    maxRetries: c.max_retries,
    backoff: { baseMs: c.retry_backoff_seconds * 1000, maxMs: Math.max(c.retry_backoff_seconds * 1000, 60_000) },
    concurrency: c.concurrency,
    requestsPerSecond: c.requests_per_second,
    describe: hooks.describe,
  };
  const auth = createRestAuth(c.auth, hooks.read, secrets, base);
  const client = createHttpClient({ ...base, secrets, auth });
  const headers = { accept: 'application/json', 'user-agent': 'dango', ...c.headers };
  return { client, config, headers, parentValues: new Map() };
}

/** Extraction of a REST source: every resource (parents first) streams into the row loader. */
export async function prepareRest(ctx: ConnectorContext, config: RestApiConfig, hooks: RestHooks): Promise<PreparedLoad> {
  const state = await readCursorState(ctx.warehouse, ctx.source.name);
  const run = openRestRun(config, hooks);
  run.progress = (resource, rows) => ctx.progress({ step: 'extracting', rows, message: `Read ${rows.toLocaleString('en')} rows of ${resource}` });
  const tables = config.resources.map((r) => resourceTable(run, r, ctx.options, state.get(r.name)));
  return stageRowTables(ctx, tables, state);
}

/** One request to the first resource: its columns as its first page shows them, and the other resources' names. */
export async function checkRest(config: RestApiConfig, hooks: RestHooks): Promise<CheckResult> {
  const run = openRestRun(config, hooks);
  const first = config.resources[0]!;
  const table = resourceTable(run, first, { fullRefresh: false, startDate: null, endDate: null, allowEmpty: false }, undefined, 1);
  const data = table.read() as { batches: AsyncGenerator<unknown[][]> };
  await data.batches.next();
  await data.batches.return(undefined);
  return {
    tables: config.resources.map((r, i) => (i === 0 ? { name: r.name, columns: table.columns.map(({ name, type }) => ({ name, type })) } : { name: r.name })),
  };
}

const restReader = (ctx: CheckContext): SecretReader => (key) => readSecret(ctx, `client.auth.${key}`);

/**
 * The `rest_api` source type: any JSON HTTP API declared in sources.yml, in dlt's `rest_api` shape;
 * one table `raw_<source>.<resource>` per resource.
 */
export const restApiConnector = defineConnector({
  type: 'rest_api',
  configSchema: restApiConfigSchema,
  sourceTemplate: restApiTemplate,
  prepare: (ctx, config) => prepareRest(ctx, config, { read: restReader(ctx) }),
  check: (ctx, config) => checkRest(config, { read: restReader(ctx) }),
});

