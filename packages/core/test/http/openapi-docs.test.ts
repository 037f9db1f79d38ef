import fs from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../src/http/routes';
import { getJson, startServer, type TestServer } from './helpers';

describe.each([
  ['at the root', ''],
  ['under a prefix', '/dango'],
])('OpenAPI document and docs pages %s', (_label, prefix) => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer({ prefix });
  });
  afterAll(async () => {
    await s.close();
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const { status, body } = await getJson(`${s.url}/api/openapi.json`);
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    // The check itself can fail: a copy without `info` is rejected.
    const broken = await new Validator().validate({ ...body, info: undefined });
    expect(broken.valid).toBe(false);
  });

  it('lists every route of the table with its method, parameters and responses', async () => {
    const { body } = await getJson(`${s.url}/api/openapi.json`);
    expect(body.servers).toEqual([{ url: prefix || '/' }]);
    expect(body.info.version).toBe(JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
    const operations = Object.entries(body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(operations.sort()).toEqual(ROUTES.map((r) => `${r.method} ${r.path}`).sort());
    expect(ROUTES.length).toBe(29);
    for (const route of ROUTES) {
      const op = body.paths[route.path][route.method.toLowerCase()];
      expect(op.operationId).toBe(route.operationId);
      expect(op.responses['200'].content['application/json'].schema).toBeTypeOf('object');
      const pathParams = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
      expect(op.parameters.filter((p: { in: string }) => p.in === 'path').map((p: { name: string }) => p.name)).toEqual(pathParams);
    }
  });

  it('documents query parameters, bodies and uploads as the API reference writes them', async () => {
    const { body } = await getJson(`${s.url}/api/openapi.json`);
    const logs = body.paths['/api/logs'].get.parameters;
    expect(logs).toEqual([expect.objectContaining({ name: 'limit', in: 'query', required: false, schema: expect.objectContaining({ type: 'integer', default: 1000 }) })]);
    const sync = body.paths['/api/sources/{source_name}/sync'].post;
    expect(sync.requestBody.required).toBe(false);
    expect(Object.keys(sync.requestBody.content['application/json'].schema.properties).sort()).toEqual(['allow_empty', 'end_date', 'full_refresh', 'start_date', 'vars']);
    expect(sync.responses['409'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/Error' });
    const upload = body.paths['/api/sources/{source_name}/upload-csv'].post;
    expect(upload.requestBody.content['multipart/form-data'].schema.required).toEqual(['file']);
    const run = body.paths['/api/dbt/models/{model_name}/run'].post.parameters;
    expect(run.find((p: { name: string }) => p.name === 'cascade').schema.default).toBe('true');
    const del = body.paths['/api/sources/{source_name}/csv-files'].delete.parameters;
    expect(del.find((p: { name: string }) => p.name === 'file_path').required).toBe(true);
  });

  it('serves Swagger UI whose linked assets all load from the installed package', async () => {
    const res = await fetch(`${s.url}/api/docs`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const html = await res.text();
    expect(html).toContain('<div id="swagger-ui">');
    expect(html).not.toMatch(/https?:\/\//);
    const links = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(links.length).toBe(3);
    for (const link of links) {
      expect(link.startsWith(`${prefix}/api/docs/`)).toBe(true);
      const asset = await fetch(new URL(link, s.url));
      expect(asset.status).toBe(200);
      const type = asset.headers.get('content-type');
      if (link.endsWith('.js')) expect(type).toBe('text/javascript; charset=utf-8');
      else expect(type).toBe('text/css; charset=utf-8');
      expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(link.endsWith('init.js') ? 50 : 10_000);
    }
    const init = await (await fetch(new URL(`${prefix}/api/docs/swagger-init.js`, s.url))).text();
    expect(init).toContain(JSON.stringify(`${prefix}/api/openapi.json`));
  });

  it('serves ReDoc with its standalone bundle', async () => {
    const res = await fetch(`${s.url}/api/redoc`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain(`<redoc spec-url="${prefix}/api/openapi.json">`);
    const src = /<script src="([^"]+)"/.exec(html)?.[1];
    expect(src).toBe(`${prefix}/api/redoc/redoc.standalone.js`);
    const bundle = await fetch(new URL(src!, s.url));
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(Number(bundle.headers.get('content-length'))).toBeGreaterThan(100_000);
    await bundle.body?.cancel();
  });

  it('answers HEAD on docs without a body and refuses other methods with 405', async () => {
    const head = await fetch(`${s.url}/api/openapi.json`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBeGreaterThan(1000);
    expect(await head.text()).toBe('');
    const post = await getJson(`${s.url}/api/docs`, { method: 'POST' });
    expect(post).toMatchObject({ status: 405, body: { detail: 'Method Not Allowed' } });
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });
});
