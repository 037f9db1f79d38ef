/** When and how long an HTTP client waits before trying a request again. */

/** Statuses worth another try: rate limited, or a server-side failure that may pass. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 408 || (status >= 500 && status <= 599 && status !== 501);
}

/**
 * The delay a `Retry-After` header asks for, in milliseconds: delta-seconds or an HTTP-date
 * (RFC 9110 10.2.3); undefined when absent or unreadable. A date in the past means "now".
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (value == null) return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/** Backoff settings: the first delay and the ceiling, in milliseconds. */
export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/**
 * Exponential backoff with jitter for attempt `n` (0 = the first retry): a random delay between half
 * and all of `base * 2^n`, capped, so many clients that failed together do not return together.
 */
export function backoffDelay(n: number, { baseMs, maxMs }: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** n);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
