import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { serveDocs } from '../../src/transform/docs-site/serve-docs';

const FIXTURE_TARGET = fileURLToPath(new URL('./fixtures/docs-target', import.meta.url));

let root: string;
let target: string;

beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'dango-'));
  target = path.join(root, 'dbt', 'target');
  fs.mkdirSync(target, { recursive: true });
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function withArtifacts(): void {
  for (const f of ['manifest.json', 'catalog.json']) fs.copyFileSync(path.join(FIXTURE_TARGET, f), path.join(target, f));
}

const text = (body: Buffer | string) => body.toString();

describe('serveDocs', () => {
  it('serves the app page, its assets and the artifacts with utf-8 content types', async () => {
    withArtifacts();
    for (const sub of ['/', '/index.html']) {
      const page = await serveDocs(target, sub);
      expect(page?.status).toBe(200);
      expect(page?.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page?.headers['content-security-policy']).toContain("script-src 'self'");
      expect(text(page!.body)).toContain('<script type="module" src="assets/app.js">');
    }
    const js = await serveDocs(target, '/assets/app.js');
    expect(js?.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(text(js!.body)).toContain("from './data.js'");
    expect((await serveDocs(target, '/assets/app.css'))?.headers['content-type']).toBe('text/css; charset=utf-8');

    const manifest = await serveDocs(target, '/manifest.json');
    expect(manifest?.status).toBe(200);
    expect(manifest?.headers).toMatchObject({ 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-cache' });
    expect(JSON.parse(text(manifest!.body)).metadata.dbt_schema_version).toMatch(/manifest\/v12\.json$/);
    const catalog = await serveDocs(target, '/catalog.json');
    expect(JSON.parse(text(catalog!.body)).nodes['model.shop.customers'].stats.row_count.value).toBe(42);
  });

  it('shows the "no docs yet" page (200) and 404s the artifacts before anything was generated', async () => {
    const page = await serveDocs(target, '/');
    expect(page?.status).toBe(200);
    expect(text(page!.body)).toContain('No docs generated yet — run <code>dango docs generate</code>');
    expect((await serveDocs(path.join(root, 'never-created'), '/'))?.status).toBe(200);

    const manifest = await serveDocs(target, '/manifest.json');
    expect(manifest?.status).toBe(404);
    expect(JSON.parse(text(manifest!.body)).detail).toMatch(/dango docs generate/);
    fs.copyFileSync(path.join(FIXTURE_TARGET, 'manifest.json'), path.join(target, 'manifest.json'));
    expect(text((await serveDocs(target, '/'))!.body)).toContain('assets/app.js');
    expect((await serveDocs(target, '/catalog.json'))?.status).toBe(404);
  });

  it('redirects the bare mount path to its trailing-slash form with a relative location', async () => {
    const res = await serveDocs(target, '');
    expect(res).toMatchObject({ status: 301, headers: { location: 'dbt-docs/' } });
  });

  it('returns null for unknown paths and for anything that tries to leave its folder', async () => {
    withArtifacts();
    fs.writeFileSync(path.join(root, 'secret.json'), '{"secret":true}');
    fs.symlinkSync(path.join(root, 'secret.json'), path.join(target, 'run_results.json'));
    const rejected = [
      '/nope.html',
      '/assets/missing.js',
      '/assets/../../package.json',
      '/assets/%2e%2e/%2e%2e/package.json',
      '/..%2f..%2fsecret.json',
      '/assets/..\\..\\package.json',
      '/assets/app.js%00.png',
      '/%E0%A4%A',
      '/run_results.json',
      '/compiled/x.sql',
      '/assets/index.html',
      '/assets',
    ];
    for (const sub of rejected) expect(await serveDocs(target, sub), sub).toBeNull();
  });

  it('refuses an artifact that is a symlink leading outside the target folder', async () => {
    fs.writeFileSync(path.join(root, 'outside.json'), '{"leak":true}');
    fs.symlinkSync(path.join(root, 'outside.json'), path.join(target, 'manifest.json'));
    const res = await serveDocs(target, '/manifest.json');
    expect(res?.status).toBe(404);
    expect(text(res!.body)).not.toContain('leak');
  });

  it('ignores a query string on the requested path', async () => {
    withArtifacts();
    expect((await serveDocs(target, '/manifest.json?v=2'))?.status).toBe(200);
  });
});
