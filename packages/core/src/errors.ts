/**
 * Every failure the platform reports to a caller carries one of these codes, each meaning one thing:
 * `BAD_REQUEST` the request itself; `CONFIG_INVALID` the project's files (sources.yml, project.yml, the
 * dbt project: the message names file and key); `RUN_FAILED` a model, seed, test or hook that failed when
 * run (or a dbt CLI that exited non-zero); `UPSTREAM` a service Dango proxies or calls; `INTERNAL` a bug.
 */
export type DangoErrorCode =
  | 'BAD_REQUEST'
  | 'UNAUTHORIZED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'CONFLICT'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'CONFIG_INVALID'
  | 'RUN_FAILED'
  | 'UPSTREAM'
  | 'INTERNAL';

/**
 * The one table from error code to HTTP status, used by every adapter through core's HTTP layer. Two codes
 * share 500, so a status never identifies a code: error answers also carry the code in `ERROR_CODE_HEADER`.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<DangoErrorCode, number>> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  CONFIG_INVALID: 500,
  // The request was fine and the server healthy: what the project asked the warehouse to do failed.
  RUN_FAILED: 422,
  UPSTREAM: 502,
  INTERNAL: 500,
};

/** Response header that carries the code of an error answer (the body stays `{"detail"}`). */
export const ERROR_CODE_HEADER = 'x-dango-error-code';

/** True for a known error code (e.g. read back from `ERROR_CODE_HEADER`). */
export function isDangoErrorCode(value: unknown): value is DangoErrorCode {
  return typeof value === 'string' && Object.hasOwn(HTTP_STATUS_BY_CODE, value);
}

/** An expected failure with a human message that is safe to show to API callers. */
export class DangoError extends Error {
  override readonly name = 'DangoError';

  constructor(
    readonly code: DangoErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /** The HTTP status this error maps to. */
  get status(): number {
    return HTTP_STATUS_BY_CODE[this.code];
  }
}

/** True when `err` is a DangoError, optionally with the given code. */
export function isDangoError(err: unknown, code?: DangoErrorCode): err is DangoError {
  return err instanceof DangoError && (code === undefined || err.code === code);
}

/** The message of any thrown value, for logs and events. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}

/** Longest error text stored or sent (history, activity log, events, HTTP detail): a 3 MB header name must not be copied into each. */
export const MAX_ERROR_CHARS = 2048;

/** `text` cut to at most `max` characters, ending with an ellipsis when cut (never inside a surrogate pair). */
export function capMessage(text: string, max = MAX_ERROR_CHARS): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}\u2026`;
}

/** The event fields with their `message` and `error` texts capped (see `capMessage`). */
export function capEventText<T extends object>(fields: T): T {
  const f = fields as { message?: unknown; error?: unknown };
  const long = (v: unknown): boolean => typeof v === 'string' && v.length > MAX_ERROR_CHARS;
  if (!long(f.message) && !long(f.error)) return fields;
  const capped = { ...fields } as { message?: unknown; error?: unknown };
  if (long(f.message)) capped.message = capMessage(f.message as string);
  if (long(f.error)) capped.error = capMessage(f.error as string);
  return capped as T;
}
