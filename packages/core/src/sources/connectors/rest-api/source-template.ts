/**
 * The commented `sources.yml` entry `dango source add rest_api` appends (`__NAME__` is the source's
 * name). Every key is valid as written (tests load it), so a user edits values rather than shapes.
 */
export const REST_API_SOURCE_TEMPLATE = `# __NAME__: a JSON HTTP API (dlt's rest_api shape); one table raw___NAME__.<resource> per resource
- name: __NAME__
  type: rest_api
  enabled: true
  rest_api:
    client:
      base_url: https://api.example.com/v1/        # resource paths are relative to it
      headers: { Accept: application/json }
      auth: { type: bearer, token_env: __NAME_UPPER___TOKEN }   # the token lives in .dango/.env, never here
      # auth: { type: api_key, name: X-API-Key, location: header, key_env: __NAME_UPPER___KEY }   # location: header | query
      # auth: { type: http_basic, username: me, password_env: __NAME_UPPER___PASSWORD }
      # auth: { type: oauth2_client_credentials, token_url: https://auth.example.com/token, client_id_env: __NAME_UPPER___CLIENT_ID, client_secret_env: __NAME_UPPER___CLIENT_SECRET }
      paginator: auto                              # auto | json_link | header_link | offset | page_number | cursor | single_page
      # paginator: { type: json_link, next_url_path: paging.next }
      # paginator: { type: offset, limit: 100, total_path: total }
      # paginator: { type: cursor, cursor_path: meta.next_cursor, cursor_param: cursor }
      # timeout_seconds: 30, max_retries: 5, retry_backoff_seconds: 1, concurrency: 4, requests_per_second: 10
    resources:
      - name: orders                               # the table raw___NAME__.orders
        endpoint:
          path: orders
          params: { status: all }
          data_selector: data                      # where the records are in a response (default: detected)
          incremental: { cursor_path: updated_at, start_param: updated_since, initial_value: "2024-01-01T00:00:00Z" }
        primary_key: id
        write_disposition: merge                   # replace | append | merge (default: replace when read whole; merge/append when incremental)
      # - name: order_items                        # a child: one request per order, rows carry _orders_id
      #   endpoint: { path: "orders/{resources.orders.id}/items" }
`;

/** The template for a source called `name`. */
export function restApiSourceTemplate(name: string): string {
  return REST_API_SOURCE_TEMPLATE.replaceAll('__NAME_UPPER__', name.toUpperCase()).replaceAll('__NAME__', name);
}
