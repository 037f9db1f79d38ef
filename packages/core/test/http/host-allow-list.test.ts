import http from 'node:http';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createHostCheck, hostnameOf } from '../../src/node/host-check';
import type { MountOptions } from '../../src/node/mount';
import { startServer, type TestServer } from './helpers';

/** GET `url` with an exact Host header (fetch would replace it). */
function statusWithHost(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { host } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

/** A request as the check sees it: raw headers and the address the connection arrived at. */
function fakeArrival(host: string | undefined, localAddress = '127.0.0.1'): http.IncomingMessage {
  return { rawHeaders: host === undefined ? [] : ['Host', host], socket: { localAddress } } as unknown as http.IncomingMessage;
}

describe('the Host allow-list options', () => {
  let s: TestServer | undefined;
  afterEach(async () => {
    await s?.close();
    s = undefined;
  });
  const serve = async (mount: MountOptions) => {
    s = await startServer(mount);
    return `${s.url}/api/status`;
  };

  it('allowedHosts: true answers any Host (for a host app whose proxy checks it)', async () => {
    const url = await serve({ allowedHosts: true });
    expect(await statusWithHost(url, 'anything.example')).toBe(200);
  });

  it('a leading dot allows the domain and its subdomains; publicUrl allows its own host', async () => {
    const url = await serve({ allowedHosts: ['.example.com'], publicUrl: 'https://data.example.org/dango' });
    expect(await statusWithHost(url, 'example.com')).toBe(200);
    expect(await statusWithHost(url, 'a.b.example.com:8080')).toBe(200);
    expect(await statusWithHost(url, 'data.example.org')).toBe(200);
    expect(await statusWithHost(url, 'badexample.com')).toBe(403);
    expect(await statusWithHost(url, 'example.org')).toBe(403);
  });

  it('the default refuses every name but loopback ones', async () => {
    const url = await serve({});
    expect(await statusWithHost(url, 'localhost.')).toBe(200);
    expect(await statusWithHost(url, os.hostname() === 'localhost' ? 'x.example' : os.hostname())).toBe(403);
    expect(await statusWithHost(url, '10.1.2.3')).toBe(403);
  });

  it('accepts the address a connection arrived at, without caching it for other connections', () => {
    const check = createHostCheck(undefined);
    expect(check(fakeArrival('192.168.1.5:8800', '192.168.1.5'))).toBeNull();
    expect(check(fakeArrival('192.168.1.5:8800', '::ffff:192.168.1.5'))).toBeNull();
    expect(check(fakeArrival('192.168.1.5:8800', '10.0.0.1'))?.status).toBe(403);
    expect(check(fakeArrival('[fe80::1]:8800', 'fe80::1'))).toBeNull();
    expect(check(fakeArrival(undefined))).toBeNull();
    expect(check(fakeArrival('evil.example@127.0.0.1'))?.status).toBe(403);
  });

  it('parses Host headers', () => {
    expect(hostnameOf('Example.COM.:80')).toBe('example.com');
    expect(hostnameOf('[::1]:8800')).toBe('::1');
    expect(hostnameOf('[::1')).toBeNull();
    expect(hostnameOf('a b')).toBeNull();
  });
});
