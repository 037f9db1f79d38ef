import http from 'node:http';
import https from 'node:https';

/** How long a service may take to answer before it counts as down. */
export const PROBE_TIMEOUT_MS = 1500;

/**
 * True when anything answers HTTP at `url` within the timeout (any status: a login page or a 404 still
 * proves the service is up); false when refused, unresolvable or silent. Never keeps a socket open.
 */
export function probeHttp(url: string, timeoutMs = PROBE_TIMEOUT_MS): Promise<boolean> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return Promise.resolve(false);
  }
  const client = target.protocol === 'https:' ? https : target.protocol === 'http:' ? http : null;
  if (!client) return Promise.resolve(false);
  return new Promise((resolve) => {
    let settled = false;
    const finish = (up: boolean): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(up);
    };
    // agent: false + Connection: close, so no pooled keep-alive socket outlives the probe.
    const req = client.request(target, { method: 'GET', agent: false, headers: { connection: 'close', accept: '*/*' } }, (res) => {
      res.resume();
      finish(true);
    });
    req.on('error', () => finish(false));
    const timer = setTimeout(() => finish(false), timeoutMs);
    req.end();
  });
}
