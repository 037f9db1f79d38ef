import type { SourceTemplate } from '../connector';

/** `dango source add rest_api`: one resource read incrementally, the other auth and paging styles as comments. */
export const restApiTemplate: SourceTemplate = {
  summary: (name) => `${name}: a JSON HTTP API (dlt's rest_api shape); one table raw_${name}.<resource> per resource`,
  block: (name) => ({
    client: {
      base_url: 'https://api.example.com/v1/',
      headers: { Accept: 'application/json' },
      auth: { type: 'bearer', token_env: `${name.toUpperCase()}_TOKEN` },
      paginator: 'auto',
    },
    resources: [{
      name: 'orders',
      endpoint: {
        path: 'orders',
        params: { status: 'all' },
        data_selector: 'data',
        incremental: { cursor_path: 'updated_at', start_param: 'updated_since', initial_value: '2024-01-01T00:00:00Z' },
      },
      primary_key: 'id',
      write_disposition: 'merge',
    }],
  }),
  comments: {
    client: 'base_url (resource paths are relative to it), headers, auth (its secret lives in .dango/.env), paginator',
    resources: `one table raw_<source>.<name> each; write_disposition: replace | append | merge`,
  },
  optional: [
    'auth alternatives (under client):',
    '  auth: { type: api_key, name: X-API-Key, location: header, key_env: MY_KEY }   # location: header | query',
    '  auth: { type: http_basic, username: me, password_env: MY_PASSWORD }',
    '  auth: { type: oauth2_client_credentials, token_url: https://auth.example.com/token, client_id_env: MY_ID, client_secret_env: MY_SECRET }',
    'paginators (client-wide or per endpoint): auto | json_link | header_link | offset | page_number | cursor | single_page',
    '  paginator: { type: json_link, next_url_path: paging.next }',
    '  paginator: { type: offset, limit: 100, total_path: total }',
    '  paginator: { type: cursor, cursor_path: meta.next_cursor, cursor_param: cursor }',
    'HTTP (under client): timeout_seconds: 30, max_retries: 5, retry_backoff_seconds: 1, concurrency: 4, requests_per_second: 10',
    'a child resource, one request per parent record (rows carry _orders_id):',
    '  - name: order_items',
    '    endpoint: { path: "orders/{resources.orders.id}/items" }',
  ],
};
