import { describe, expect, it } from 'vitest';
import { csvProject, salesCsv, serverTestScope, startServer } from './helpers';

describe('dango start serves the dashboard', () => {
  const tmp = serverTestScope();

  it('answers / with the dashboard page, its assets, and deep links, and prints its URL', async () => {
    const root = await csvProject(tmp.dir, { 'a.csv': salesCsv(3) });
    const server = await startServer(root);
    expect(server.output()).toContain(`Dashboard:  ${server.url}/`);
    const page = await fetch(`${server.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect((await fetch(`${server.url}/${script}`)).status).toBe(200);
    const deep = await fetch(`${server.url}/sources/sales`, { headers: { accept: 'text/html' } });
    expect(await deep.text()).toContain('<base href="../"');
  });
});
