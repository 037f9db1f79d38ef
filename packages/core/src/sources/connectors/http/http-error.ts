import { DangoError } from '../../../errors';
import { REDACTED } from '../../secrets';

/** Query parameters whose values are secrets whatever they hold (API keys, tokens, signatures). */
const SECRET_PARAM = /key|token|secret|password|passwd|signature|sig$|auth|credential|session/i;

/** Replaces every secret in `text` (longest first) with `********`. */
export function scrub(text: string, secrets: readonly string[]): string {
  return [...secrets].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length).reduce((out, s) => out.split(s).join(REDACTED), text);
}

/** A URL fit for a message: no user info, secret-looking query values and known secrets replaced. */
export function safeUrl(url: string, secrets: readonly string[]): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '';
      u.password = '';
    }
    // Shown decoded (`2024-01-01T00:00:00Z`, not `%3A`): the text is for people, not for a request.
    const query = [...u.searchParams].map(([name, value]) => `${name}=${SECRET_PARAM.test(name) || secrets.includes(value) ? REDACTED : value}`);
    return scrub(`${u.origin}${decodeURI(u.pathname)}${query.length ? `?${query.join('&')}` : ''}`, secrets);
  } catch {
    return scrub(url, secrets);
  }
}

/** The first bytes of a response body for a message, on one line, secrets replaced. */
export function bodySnippet(body: string, secrets: readonly string[], max = 300): string {
  const flat = body.replace(/\s+/g, ' ').trim();
  const cut = flat.length > max ? `${flat.slice(0, max)}...` : flat;
  return scrub(cut, secrets);
}

/** An HTTP request that failed for good; its message names the status, the safe URL and the body's start. */
export class HttpError extends DangoError {
  constructor(
    message: string,
    /** The final HTTP status, or 0 for a network failure or timeout. */
    readonly httpStatus: number,
  ) {
    super('UPSTREAM', message);
  }
}
