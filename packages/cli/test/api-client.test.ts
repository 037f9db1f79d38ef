import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DangoError } from '@dango/core';
import { ApiClient, errorCodeOf } from '../src/api-client';

describe('error codes from a Dango server', () => {
  let server: http.Server;
  let client: ApiClient;
  beforeAll(async () => {
    // Answers each path's error: /<status>/<code header or "none">.
    server = http.createServer((req, res) => {
      const [, status, code] = (req.url ?? '').split('/');
      res.writeHead(Number(status), { 'content-type': 'application/json', ...(code !== 'none' ? { 'x-dango-error-code': code } : {}) });
      res.end(JSON.stringify({ detail: `failed with ${code}` }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    client = new ApiClient(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  const codeOf = (path: string) => client.get(path).then(() => null, (err: DangoError) => err.code);

  it('keeps the code the server names, so two codes sharing 500 stay apart', async () => {
    expect(await codeOf('/500/CONFIG_INVALID')).toBe('CONFIG_INVALID');
    expect(await codeOf('/500/INTERNAL')).toBe('INTERNAL');
    expect(await codeOf('/422/RUN_FAILED')).toBe('RUN_FAILED');
    expect(await codeOf('/502/UPSTREAM')).toBe('UPSTREAM');
  });

  it('without the header never turns a 500 into a project problem', async () => {
    expect(await codeOf('/500/none')).toBe('INTERNAL');
    expect(await codeOf('/500/NOT_A_CODE')).toBe('INTERNAL');
    expect(errorCodeOf(404, null)).toBe('NOT_FOUND');
    expect(errorCodeOf(400, null)).toBe('BAD_REQUEST');
    expect(errorCodeOf(502, null)).toBe('UPSTREAM');
  });
});
