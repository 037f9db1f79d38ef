import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJson, startServer, type TestServer } from './helpers';

describe('node listener: JSON routes', () => {
  let s: TestServer;
  beforeAll(async () => {
    s = await startServer();
  });
  afterAll(async () => {
    await s.close();
  });

  it('serves /api/config with the real web url', async () => {
    const r = await getJson(`${s.url}/api/config`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body.project_name).toBe('http-test');
    expect(r.body.web_url).toBe(s.url);
    expect(r.body.web_port).toBe(Number(new URL(s.url).port));
    expect(r.body.api_url).toBe(`${s.url}/api`);
  });

  it('answers 404 JSON for unknown paths, under /api and outside', async () => {
    expect(await getJson(`${s.url}/api/nope`)).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
    expect(await getJson(`${s.url}/elsewhere`)).toMatchObject({ status: 404, body: { detail: 'Not Found' } });
  });
});
