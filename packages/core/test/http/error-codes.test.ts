import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createNodeListener, DangoError, DangoPlatform, HTTP_STATUS_BY_CODE } from '../../src';
import { makeProject } from './helpers';

let cleanup: (() => Promise<void>) | undefined;
afterEach(async () => {
  await cleanup?.();
  cleanup = undefined;
});

async function serve(edit: (dir: string) => void): Promise<{ url: string; platform: DangoPlatform }> {
  const dir = await makeProject();
  edit(dir);
  const platform = await DangoPlatform.open({ projectDir: dir });
  const node = createNodeListener(platform);
  const server = http.createServer(node.listener);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  cleanup = async () => {
    await node.close();
    await new Promise((resolve) => server.close(resolve));
    await platform.close();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, platform };
}

describe('error codes mean one thing', () => {
  it('maps each code to one status; only the server and project codes share 500', () => {
    expect(HTTP_STATUS_BY_CODE).toMatchObject({ BAD_REQUEST: 400, CONFIG_INVALID: 500, INTERNAL: 500, RUN_FAILED: 422, UPSTREAM: 502 });
  });

  it('a misconfigured source answers CONFIG_INVALID (500, named in a header) with file and key, not BAD_REQUEST', async () => {
    const { url } = await serve((dir) =>
      fs.appendFileSync(path.join(dir, '.dango/sources.yml'), '      encoding: klingon\n'),
    );
    const res = await fetch(`${url}/api/sources/sales/sync`, { method: 'POST' });
    expect(res.status).toBe(500);
    expect(res.headers.get('x-dango-error-code')).toBe('CONFIG_INVALID');
    expect(((await res.json()) as { detail: string }).detail).toMatch(/^Invalid \.dango\/sources\.yml: source 'sales', csv\.encoding 'klingon'/);
    const bad = await fetch(`${url}/api/sources/sales/sync`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"start_date": "soon"}' });
    expect([bad.status, bad.headers.get('x-dango-error-code')]).toEqual([400, 'BAD_REQUEST']);
  });

  it('a failing hook is RUN_FAILED, not a bad request', async () => {
    const { platform } = await serve((dir) => {
      const file = path.join(dir, 'dbt', 'dbt_project.yml');
      fs.appendFileSync(file, '\non-run-start:\n  - "insert into no_such_table_anywhere values (1)"\n');
      fs.mkdirSync(path.join(dir, 'dbt', 'models'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'dbt', 'models', 'a.sql'), 'select 1 as id\n');
    });
    const err = await platform.transform({}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DangoError);
    expect((err as DangoError).code).toBe('RUN_FAILED');
    expect((err as DangoError).message).toMatch(/hook 1 \(dbt_project\.yml\)/);
  });
});
