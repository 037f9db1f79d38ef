import { afterEach, describe, expect, it } from 'vitest';
import { createNodeListener } from '../../src';
import { capMessage, MAX_ERROR_CHARS } from '../../src/errors';
import { createProject, recordEvents, type TestProject } from '../sources/helpers';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

let project: TestProject;
afterEach(async () => {
  await project?.close();
});

describe('error messages are capped wherever they are stored or sent', () => {
  it('a 3 MB header name does not reach the history, the log, the events or HTTP whole', async () => {
    project = await createProject();
    project.write('sales', 'a.csv', `id,${'h'.repeat(3_000_000)}\n1,2\n`);
    const platform = await project.open();
    const events = recordEvents(platform, ['sync_failed']);
    const result = await platform.sync('sales');
    expect(result.status).toBe('failed');
    expect(result.error_message!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(result.error_message).toMatch(/^a\.csv could not be read.*…$/s);
    const [history] = (await platform.getSource('sales')).history;
    expect(history!.error_message!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    const failed = events[0] as { error: string; message: string };
    expect(failed.error.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(failed.message.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    for (const entry of platform.logs()) expect(entry.message.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    const [file] = (await platform.listFiles('sales')).files;
    expect(file).toMatchObject({ status: 'failed' });
    expect(file!.error!.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);

    const node = createNodeListener(platform);
    const server = http.createServer(node.listener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/sources/${'s'.repeat(6000)}/details`;
      const reply = await fetch(url);
      expect(reply.status).toBe(404);
      const { detail } = (await reply.json()) as { detail: string };
      expect(detail.length).toBe(MAX_ERROR_CHARS);
      expect(detail.endsWith('…')).toBe(true);
    } finally {
      await node.close();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('cuts at a character boundary', () => {
    expect(capMessage('short')).toBe('short');
    const emoji = '😀'.repeat(MAX_ERROR_CHARS);
    const cut = capMessage(emoji);
    expect(cut.length).toBeLessThanOrEqual(MAX_ERROR_CHARS);
    expect(cut.endsWith('😀…')).toBe(true);
  });
});
