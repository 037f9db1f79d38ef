import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const require = createRequire(import.meta.url);

/** Load settings of one autocannon run. */
export interface LoadOptions {
  connections: number;
  seconds: number;
}

/** autocannon's CLI script, resolved from its package so no shell or PATH is involved. */
function autocannonBin(): string {
  return path.join(path.dirname(require.resolve('autocannon/package.json')), 'autocannon.js');
}

/** What one load run measured. */
export interface LoadResult {
  /** Average requests per second over the run. */
  rps: number;
  /** Requests answered in the run. */
  requests: number;
  /** Latency percentiles over the run, in milliseconds. */
  latencyMs: { p50: number; p99: number };
}

/**
 * Fires GET requests at `url` from a separate process (autocannon's CLI) and returns the average
 * requests per second; non-2xx answers or errors fail the run, so a broken route cannot look fast.
 */
export async function measureRps(url: string, options: LoadOptions): Promise<LoadResult> {
  const args = [autocannonBin(), '--json', '-c', String(options.connections), '-d', String(options.seconds), url];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  return { rps: result.requests.average, requests: result.requests.total, latencyMs: { p50: result.latency.p50, p99: result.latency.p99 } };
}

/** Runs `job` while sampling this process's RSS every 50 ms; resolves with its result and the peak in MB. */
export async function withPeakRss<T>(job: () => Promise<T>): Promise<{ result: T; peakRssMb: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  try {
    const result = await job();
    return { result, peakRssMb: Math.round(Math.max(peak, process.memoryUsage().rss) / 2 ** 20) };
  } finally {
    clearInterval(timer);
  }
}

/** The median of a non-empty list. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
