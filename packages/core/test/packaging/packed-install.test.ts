import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import semver from 'semver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, readmeExamples } from '../types/consumer-project';
import { asCommonJs, installClosure, packAll, PUBLIC_PACKAGES, resultOf, runIn, type PackedTarball } from './packed-app';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
// Slow (pack, one npm install of every tarball, real runs): minutes on a busy machine, with a cold npm cache.
const SLOW = 600_000;

let root: string;
let app: string;
let tarballs: PackedTarball[];
let installLog: string;

/** The README's fenced example that contains `marker`. */
function readmeExample(marker: string): string {
  const found = readmeExamples().find((e) => e.includes(marker));
  if (!found) throw new Error(`README has no example containing ${marker}`);
  return found;
}

/** `text` with `from` replaced by `to`; throws when `from` is missing, so a changed README cannot slip a fixed port in. */
function replaceOnce(text: string, from: string, to: string): string {
  if (!text.includes(from)) throw new Error(`README example no longer contains ${from}`);
  return text.replace(from, to);
}

/** A copy of the fixture project (one CSV source, `sales_data`) at `dir`. */
function copyProject(dir: string): string {
  cpSync(path.join(FIXTURES, 'project'), dir, { recursive: true });
  return dir;
}

// The README's examples, verbatim but for a free port and a few lines that print what they did.
const programmatic = `${readmeExample("projectDir: './my-project'")}
console.log('RESULT ' + JSON.stringify({ status: result.status, rows_processed: result.rows_processed, n: Number(rows[0].n) }));
`;
const mounting = `${replaceOnce(readmeExample("from '@dango/express'"), 'app.listen(3001)', "app.listen(0, '127.0.0.1')")}
await new Promise((resolve) => server.listening ? resolve() : server.once('listening', resolve));
const res = await fetch('http://127.0.0.1:' + server.address().port + '/dango/api/status');
const body = await res.json();
const assets = {};
for (const url of ['/dango/api/docs/swagger-ui-bundle.js', '/dango/api/redoc/redoc.standalone.js', '/dango/dbt-docs/']) {
  const asset = await fetch('http://127.0.0.1:' + server.address().port + url);
  assets[url] = [asset.status, (await asset.arrayBuffer()).byteLength];
}
await mount.close();
await new Promise((resolve) => server.close(resolve));
await platform.close();
console.log('RESULT ' + JSON.stringify({ status: res.status, body, assets }));
`;

beforeAll(async () => {
  await ensureBuilt(PUBLIC_PACKAGES.filter((p) => p.workspace !== '@dango/ui'));
  root = mkdtempSync(path.join(os.tmpdir(), 'dango-packed-'));
  mkdirSync(path.join(root, 'tarballs'));
  tarballs = await packAll(path.join(root, 'tarballs'));
  app = path.join(root, 'app');
  mkdirSync(app);
  // light-my-request (under Fastify) asks for cookie 2, which wants Node 22; the repo pins 1.1.1 the same way.
  writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'packed-app', private: true, overrides: { 'light-my-request': { cookie: '1.1.1' } } }));
  const install = await runIn(app, 'npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...tarballs.map((t) => t.filename), 'express@5.3.0', 'fastify@5.12.8', 'koa@3.3.0'], SLOW);
  installLog = `${install.stdout}\n${install.stderr}`;
  writeFileSync(path.join(app, 'example.mjs'), programmatic);
  writeFileSync(path.join(app, 'example.cjs'), asCommonJs(programmatic));
  writeFileSync(path.join(app, 'mount-express.mjs'), mounting);
  cpSync(path.join(FIXTURES, 'mounts.cjs'), path.join(app, 'mounts.cjs'));
}, SLOW);

afterAll(() => {
  if (root) rmSync(root, { recursive: true, force: true });
});

describe('packed packages installed into an app outside the repository', () => {
  it('packs each public package with a README, a LICENSE and only its build output', () => {
    expect(tarballs.map((t) => t.name).sort()).toEqual(PUBLIC_PACKAGES.map((p) => p.workspace).sort());
    // Beyond dist/: the CLI's bin launcher and the dashboard's tiny entry files that export its folder.
    const extra: Record<string, string[]> = { '@dango/cli': ['bin/dango.js'], '@dango/ui': ['index.cjs', 'index.d.ts', 'index.js'] };
    for (const t of tarballs) {
      const files = t.files.map((f) => f.path);
      expect(files, t.name).toEqual(expect.arrayContaining(['LICENSE', 'README.md', 'package.json']));
      const others = files.filter((f) => !f.startsWith('dist/') && !['LICENSE', 'README.md', 'package.json'].includes(f));
      expect(others.sort(), t.name).toEqual(extra[t.name] ?? []);
      expect(readFileSync(path.join(app, 'node_modules', t.name, 'LICENSE'), 'utf8'), t.name).toMatch(/^MIT License/);
    }
    const core = tarballs.find((t) => t.name === '@dango/core')!.files.map((f) => f.path);
    expect(core).toEqual(expect.arrayContaining(['dist/assets/docs-site/index.html', 'dist/assets/api-docs/swagger-ui-bundle.js', 'dist/assets/api-docs/swagger-ui.css', 'dist/assets/api-docs/redoc.standalone.js', 'dist/assets/api-docs/swagger-ui-dist/LICENSE', 'dist/assets/api-docs/redoc/LICENSE']));
  });

  it('installs without engine or deprecation warnings, and core and the CLI stay small and Node 20 compatible', () => {
    expect(installLog).not.toMatch(/EBADENGINE|deprecated/i);
    for (const pkg of ['@dango/core', '@dango/cli']) {
      const closure = installClosure(app, pkg);
      const names = closure.map((p) => p.slice(p.lastIndexOf('node_modules/') + 'node_modules/'.length));
      for (const heavy of ['redoc', 'swagger-ui-dist', 'react', 'mobx', 'core-js', '@scarf/scarf', 'execa']) expect(names, `${pkg} pulls ${heavy}`).not.toContain(heavy);
      expect(closure.length, `${pkg}: ${names.join(', ')}`).toBeLessThan(60);
      for (const at of closure) {
        const range = (JSON.parse(readFileSync(path.join(app, at, 'package.json'), 'utf8')) as { engines?: { node?: string } }).engines?.node;
        if (range) expect(semver.satisfies('20.19.0', range), `${at} wants node ${range}`).toBe(true);
      }
    }
  });

  it("runs the README's programmatic example as ESM and as CommonJS", async () => {
    for (const script of ['example.mjs', 'example.cjs']) {
      const cwd = path.join(root, script.replace('.', '-'));
      mkdirSync(cwd);
      copyProject(path.join(cwd, 'my-project'));
      const { stdout } = await runIn(cwd, process.execPath, [path.join(app, script)]);
      expect(stdout, script).toContain('sales_data: 3 rows');
      expect(resultOf(stdout), script).toEqual({ status: 'success', rows_processed: 3, n: 3 });
    }
  }, SLOW);

  it("serves GET /api/status through the README's Express mount, and through Fastify and Koa from CommonJS", async () => {
    copyProject(path.join(app, 'analytics'));
    const express = resultOf((await runIn(app, process.execPath, ['mount-express.mjs'])).stdout);
    expect(express).toMatchObject({ status: 200, body: { status: expect.any(String) } });
    const others = resultOf((await runIn(app, process.execPath, ['mounts.cjs', path.join(app, 'analytics')])).stdout);
    expect(others).toMatchObject({ fastify: { status: 200 }, koa: { status: 200 } });
    // The docs pages' files come from core's dist/assets, in the ESM build (Express) and the CJS one (Fastify).
    for (const served of [express.assets, (others.fastify as { assets: unknown }).assets] as Record<string, [number, number]>[]) {
      expect(served['/dango/api/docs/swagger-ui-bundle.js']![0]).toBe(200);
      expect(served['/dango/api/docs/swagger-ui-bundle.js']![1]).toBeGreaterThan(100_000);
      expect(served['/dango/api/redoc/redoc.standalone.js']![0]).toBe(200);
      expect(served['/dango/api/redoc/redoc.standalone.js']![1]).toBeGreaterThan(100_000);
      expect(served['/dango/dbt-docs/']![0]).toBe(200);
    }
  }, SLOW);

  it('runs the installed dango command', async () => {
    const project = copyProject(path.join(root, 'cli-project'));
    const bin = path.join(app, 'node_modules/.bin/dango');
    const sync = await runIn(app, bin, ['sync', '--project', project]);
    expect(sync.stdout).toMatch(/sales_data/);
    const status = await runIn(app, bin, ['status', '--project', project]);
    expect(status.stdout).toMatch(/sales_data/);
  }, SLOW);
});
